using LrePowerShell.Engine.Tokenization;

namespace LrePowerShell.Engine.Lre;

/// <summary>
/// The paper's prompts (Hernandez et al. 2024): the example pairs as lines
/// <c>template.format(s) + " " + o</c> joined by newlines, then the query line. Where the tokenizer
/// adds no BOS (GPT-2, GPT-J, Qwen) the prompt starts with the EOS text, as the paper does; with no
/// examples the prompt is exactly <c>template.format(subject)</c>.
/// </summary>
public static class FewShotPrompt
{
    public static string EosPrefix(ILreTokenizer tokenizer) => tokenizer.AddsBos ? "" : tokenizer.EosToken ?? "";

    public static string Build(ILreTokenizer tokenizer, string template, IReadOnlyList<RelationSample> examples, string subject)
    {
        string query = PromptTemplate.Format(template, subject);
        if (examples.Count == 0) return query;
        var lines = examples.Select(e => PromptTemplate.Format(template, e.Subject) + " " + e.Object);
        return EosPrefix(tokenizer) + string.Join("\n", lines) + "\n" + query;
    }

    /// <summary>The examples before training sample <paramref name="index"/>: the first
    /// <paramref name="fewShot"/> of the other training pairs (null = all of them), in training order.</summary>
    public static IReadOnlyList<RelationSample> ForTraining(IReadOnlyList<RelationSample> train, int index, int? fewShot) =>
        train.Where((_, j) => j != index).Take(fewShot ?? int.MaxValue).ToArray();

    /// <summary>The examples before a test sample: the first <paramref name="fewShot"/> training pairs (null = all).</summary>
    public static IReadOnlyList<RelationSample> ForTest(IReadOnlyList<RelationSample> train, int? fewShot) =>
        train.Take(fewShot ?? int.MaxValue).ToArray();
}
