using LrePowerShell.Engine.Modeling;
using static TorchSharp.torch;

namespace LrePowerShell.Engine.Tests.Modeling;

/// <summary>What the decoder guarantees beyond the goldens: causality of hooks, the KV cache and
/// early stopping give the same numbers as a plain pass.</summary>
public class DecoderBehaviourTests
{
    private static readonly long[] Ids = { 2, 267, 294, 265, 494, 273 };   // valid ids in every fixture's vocabulary

    private static Tensor Input() => tensor(Ids, new long[] { 1, Ids.Length });

    [SharedFact]
    public void Replacing_the_residual_at_a_position_changes_only_that_position_and_later_ones()
    {
        using var m = LanguageModel.Load(SharedData.Fixture("llama"));
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var plain = new ResidualHooks().Capture(3);
        m.Decoder.Forward(Input(), new ForwardOptions { Hooks = plain });
        using var edited = new ResidualHooks().Replace(1, 2, zeros(64)).Capture(1).Capture(3);
        m.Decoder.Forward(Input(), new ForwardOptions { Hooks = edited });
        Assert.Equal(0f, edited.Captured(1)[0, 2].abs().sum().item<float>());
        Assert.True(plain.Captured(3)[0, ..2].allclose(edited.Captured(3)[0, ..2]));
        Assert.False(plain.Captured(3)[0, 2..].allclose(edited.Captured(3)[0, 2..]));
    }

    [SharedTheory]
    [InlineData("gemma3")]
    [InlineData("gptj")]
    [InlineData("gpt2")]
    public void The_kv_cache_gives_the_same_logits_as_a_full_pass(string fixture)
    {
        using var m = LanguageModel.Load(SharedData.Fixture(fixture));
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var full = m.Decoder.Forward(Input())!;
        using var cache = new KvCache(m.Spec.LayerCount);
        m.Decoder.Forward(tensor(Ids[..4], new long[] { 1, 4 }), new ForwardOptions { Cache = cache });
        var rest = m.Decoder.Forward(tensor(Ids[4..], new long[] { 1, 2 }), new ForwardOptions { Cache = cache })!;
        Assert.True(full[0, 4..].allclose(rest[0], rtol: 1e-4, atol: 1e-4));
    }

    [SharedFact]
    public void Stopping_at_the_deepest_hook_reads_the_same_state()
    {
        using var m = LanguageModel.Load(SharedData.Fixture("qwen3"));
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var a = new ResidualHooks().Capture(1);
        Assert.Null(m.Decoder.Forward(Input(), new ForwardOptions { Hooks = a, StopAtDeepestHook = true }));
        using var b = new ResidualHooks().Capture(1);
        m.Decoder.Forward(Input(), new ForwardOptions { Hooks = b });
        Assert.True(a.Captured(1).eq(b.Captured(1)).all().item<bool>());
    }

    [SharedTheory]
    [InlineData("gpt2")]
    [InlineData("llama")]
    [InlineData("qwen2")]
    [InlineData("qwen3")]
    [InlineData("gemma2")]
    [InlineData("gemma3")]
    [InlineData("gptj")]
    public void The_last_block_at_the_last_position_only_gives_the_same_logits(string fixture)
    {
        using var m = LanguageModel.Load(SharedData.Fixture(fixture));
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var ids = tensor(new long[] { 0, 0, 2, 267, 294, 265, 2, 267, 294, 265, 494, 273 }, new long[] { 2, 6 });
        var mask = tensor(new long[] { 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 }, new long[] { 2, 6 });   // row 0 left-padded
        foreach (var rowMask in new[] { mask, null })
        {
            var full = m.Decoder.Forward(ids, new ForwardOptions { AttentionMask = rowMask, LastPositionOnly = true })!;
            var pruned = m.Decoder.Forward(ids, new ForwardOptions { AttentionMask = rowMask, LastPositionOnly = true, LastBlockAtLastPositionOnly = true })!;
            Assert.True(full.allclose(pruned, rtol: 1e-5, atol: 1e-5), $"{fixture}, mask {rowMask is not null}");
        }
        using var cache = new KvCache(m.Spec.LayerCount);
        var row = ids.narrow(0, 1, 1);
        var expected = m.Decoder.Forward(row, new ForwardOptions { LastPositionOnly = true })!;
        m.Decoder.Forward(row.narrow(1, 0, 4), new ForwardOptions { Cache = cache, LastPositionOnly = true, LastBlockAtLastPositionOnly = true });
        var continued = m.Decoder.Forward(row.narrow(1, 4, 2), new ForwardOptions { Cache = cache, LastPositionOnly = true, LastBlockAtLastPositionOnly = true })!;
        Assert.True(expected.allclose(continued, rtol: 1e-4, atol: 1e-4), $"{fixture} with a cache");
    }
}
