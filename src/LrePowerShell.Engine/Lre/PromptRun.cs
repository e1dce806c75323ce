using LrePowerShell.Engine.Modeling;
using LrePowerShell.Engine.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace LrePowerShell.Engine.Lre;

/// <summary>A prompt with the subject it is about, and where that subject's last token is.</summary>
public sealed record SubjectPrompt(string Prompt, string Subject, IReadOnlyList<TokenPiece> Tokens, int SubjectIndex)
{
    public static SubjectPrompt Make(LanguageModel model, string prompt, string subject)
    {
        var tokens = model.Tokenize(prompt);
        return new SubjectPrompt(prompt, subject, tokens, ModelOperations.SubjectLastToken(tokens, prompt, subject));
    }
}

/// <summary>What one batched pass reads from each prompt: h (block <c>layer</c> at the subject's
/// last token), o (last block at the last token) and the model's logits at the last token.</summary>
public sealed record PromptReadout(Tensor H, Tensor O, Tensor Logits);

public static class PromptRun
{
    /// <summary>Runs prompts in left-padded batches (no autograd) and returns [N, D], [N, D], [N, V]
    /// tensors in the caller's DisposeScope. <paramref name="edit"/> (optional) adds a vector [D] per
    /// prompt to the residual at (layer, subject index), the causality intervention. <paramref name="progress"/>
    /// (optional) is called after each batch with the number of prompts done.</summary>
    public static PromptReadout Read(LanguageModel model, IReadOnlyList<SubjectPrompt> prompts, int layer,
        IReadOnlyList<Tensor>? edit = null, CancellationToken cancel = default, Action<int>? progress = null)
    {
        var hs = new List<Tensor>(); var os = new List<Tensor>(); var ls = new List<Tensor>();
        int last = model.Spec.LayerCount - 1;
        foreach (var range in ModelOperations.Batches(prompts.Select(p => p.Tokens.Count).ToArray()))
        {
            cancel.ThrowIfCancellationRequested();
            var (start, count) = range.GetOffsetAndLength(prompts.Count);
            var chunk = prompts.Skip(start).Take(count).ToArray();
            var (ids, mask, pad) = ModelOperations.Batch(model, chunk.Select(p => p.Tokens).ToArray());
            var rows = arange(chunk.Length, dtype: ScalarType.Int64);
            var at = tensor(chunk.Select((p, b) => (long)(pad[b] + p.SubjectIndex)).ToArray());
            using var hooks = new ResidualHooks();
            if (edit is not null)
            {
                var delta = stack(edit.Skip(start).Take(chunk.Length).ToArray()).to(model.DType, model.Device);
                hooks.AddAt(layer, at, delta);
            }
            hooks.Capture(layer).Capture(last);
            Tensor logits;
            var options = new ForwardOptions { AttentionMask = mask, Hooks = hooks, LastPositionOnly = true, LastBlockAtLastPositionOnly = layer != last };
            using (no_grad()) logits = model.Decoder.Forward(ids, options)!;
            hs.Add(hooks.Captured(layer).index(rows, at.to(model.Device)).to(ScalarType.Float32));
            os.Add(hooks.Captured(last).select(1, -1).to(ScalarType.Float32));
            ls.Add(logits.select(1, 0));
            progress?.Invoke(start + chunk.Length);
        }
        return new PromptReadout(cat(hs, 0), cat(os, 0), cat(ls, 0));
    }
}
