using LrePowerShell.Engine;
using LrePowerShell.Trainer.Corpus;

namespace LrePowerShell.Trainer.Evaluation;

internal sealed record RelationAccuracy(string Relation, int Total, int ZeroShot, int FewShot);

/// <summary>
/// The acceptance check of the embedded model, through the same <see cref="ModelOperations.Predict"/> that
/// Get-LrePrediction runs: the greedy next token after <c>template.format(subject)</c> is right when, stripped
/// and lower-cased, it is non-empty and the object starts with it (the paper's rule). Zero-shot prompts are the
/// bare template; few-shot prompts put <see cref="Shots"/> other pairs of the relation first, one
/// <c>template(s) o</c> line each, after the EOS text, as New-LreOperator writes them.
/// </summary>
internal static class GreedyAccuracy
{
    public const int Shots = 4;

    public static RelationAccuracy Measure(LanguageModel model, Relation relation)
    {
        var zeroShot = relation.Samples.Select(s => Relation.Prompt(relation.Template, s.Subject)).ToArray();
        var fewShot = relation.Samples.Select((s, i) => FewShotPrompt(model, relation, i)).ToArray();
        return new RelationAccuracy(relation.Key, relation.Samples.Count, Correct(model, relation, zeroShot), Correct(model, relation, fewShot));
    }

    public static bool IsCorrect(string token, string obj)
    {
        string t = token.Trim().ToLowerInvariant();
        return t.Length > 0 && obj.ToLowerInvariant().StartsWith(t, StringComparison.Ordinal);
    }

    private static int Correct(LanguageModel model, Relation relation, string[] prompts)
    {
        var top = model.Predict(prompts, 1);
        return top.Select((p, i) => IsCorrect(p.Token, relation.Samples[i].Object)).Count(ok => ok);
    }

    /// <summary>The first <see cref="Shots"/> other pairs in file order, then the sample's own prompt.</summary>
    private static string FewShotPrompt(LanguageModel model, Relation relation, int index)
    {
        var shots = relation.Samples.Where((_, j) => j != index).Take(Shots)
            .Select(s => Relation.Prompt(relation.Template, s.Subject) + " " + s.Object);
        return model.Tokenizer.EosToken + string.Join("\n", shots) + "\n" + Relation.Prompt(relation.Template, relation.Samples[index].Subject);
    }
}
