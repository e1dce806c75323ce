using LrePowerShell.Engine.Lre;
using LrePowerShell.Engine.Modeling;
using LrePowerShell.Engine.Tokenization;
using static TorchSharp.torch;

namespace LrePowerShell.Engine.Tests.Lre;

/// <summary>The Jacobian estimator's shortcuts (prefix cache, resumed suffix, projections shared by the
/// chunk's identical copies, the last block at the last position only, fused attention) against the
/// plain definition on every architecture: torch.autograd.functional.jacobian of the whole forward pass
/// with h patched in.</summary>
public class JacobianPathTests
{
    private static readonly long[] Ids = { 2, 267, 294, 265, 494, 273 };   // valid ids in every fixture's vocabulary

    [SharedTheory]
    [InlineData("gpt2", 1)]
    [InlineData("gpt2", 2)]
    [InlineData("llama", 1)]
    [InlineData("qwen2", 2)]
    [InlineData("qwen3", 1)]
    [InlineData("gemma2", 1)]
    [InlineData("gemma3", 2)]
    [InlineData("gptj", 1)]
    public void The_estimator_equals_autograd_through_the_whole_model(string fixture, int layer)
    {
        using var m = LanguageModel.Load(SharedData.Fixture(fixture));
        using var scope = NewDisposeScope();
        const int subject = 2;
        int last = m.Spec.LayerCount - 1;
        var prompt = new SubjectPrompt("", "", Ids.Select(i => new TokenPiece((int)i, "", 0, 0)).ToArray(), subject);
        var sample = JacobianEstimator.Compute(m, prompt, layer, chunk: 24);    // a chunk that does not divide d

        Tensor O(Tensor h)
        {
            using var hooks = new ResidualHooks().Replace(layer, subject, h).Capture(last, keepGraph: true);
            m.Decoder.Forward(tensor(Ids, new long[] { 1, Ids.Length }), new ForwardOptions { Hooks = hooks, StopAtDeepestHook = true });
            return hooks.Captured(last)[0, -1].alias();
        }
        var reference = TorchSharp.torch.autograd.functional.jacobian(O, sample.H.to(m.DType));
        double rel = (sample.J - reference).norm().item<float>() / reference.norm().item<float>();
        Assert.True(rel < 1e-5, $"{fixture} layer {layer}: relative difference {rel:E2}");
    }
}
