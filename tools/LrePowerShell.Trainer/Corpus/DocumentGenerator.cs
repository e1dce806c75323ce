namespace LrePowerShell.Trainer.Corpus;

/// <summary>
/// Draws the training documents from data/'s relations, deterministically from a seed. Each call to
/// <see cref="Next"/> returns one document of one of four kinds:
/// <list type="bullet">
/// <item>prose: a few sentences mixing facts (any template of any relation, then the object and a full
/// stop), distractors and filler;</item>
/// <item>a few-shot block: lines <c>template(s) o</c> of one relation and one template, joined by newlines,
/// exactly the prompt format of New-LreOperator, so that few-shot prompts work as well as zero-shot ones;</item>
/// <item>mixed lines: the same line format, each line from a random relation (the model must read the
/// template, not the block, to answer);</item>
/// <item>filler with distractors.</item>
/// </list>
/// </summary>
internal sealed class DocumentGenerator
{
    private readonly IReadOnlyList<Relation> _relations;
    private readonly IReadOnlyList<string>[] _templates;
    private readonly SplitMix64 _rng;

    public DocumentGenerator(IReadOnlyList<Relation> relations, ulong seed)
    {
        _relations = relations;
        _templates = relations.Select(r => (IReadOnlyList<string>)new[] { r.Template }.Concat(r.OtherTemplates)
            .Concat(Phrasings.ExtraTemplates.GetValueOrDefault(r.Key) ?? []).ToArray()).ToArray();
        _rng = new SplitMix64(seed);
    }

    public string Next()
    {
        double kind = _rng.NextDouble();
        return kind < 0.30 ? Prose()
             : kind < 0.75 ? FewShotBlock()
             : kind < 0.90 ? MixedLines()
             : FillerText();
    }

    private string Prose() =>
        string.Join(" ", Enumerable.Range(0, 1 + _rng.Next(4)).Select(_ =>
        {
            double p = _rng.NextDouble();
            return p < 0.65 ? FactSentence() : p < 0.85 ? Distractor() : _rng.Pick(Phrasings.Filler);
        }));

    private string FactSentence()
    {
        int r = _rng.Next(_relations.Count);
        var sample = _rng.Pick(_relations[r].Samples);
        return Line(Template(r), sample) + ".";
    }

    private string FewShotBlock()
    {
        int r = _rng.Next(_relations.Count);
        string template = Template(r);
        var samples = _rng.Shuffled(_relations[r].Samples);
        int count = 1 + _rng.Next(samples.Length);
        return string.Join("\n", samples.Take(count).Select(s => Line(template, s)));
    }

    private string MixedLines() =>
        string.Join("\n", Enumerable.Range(0, 2 + _rng.Next(11)).Select(_ =>
        {
            var relation = _rng.Pick(_relations);
            return Line(relation.Template, _rng.Pick(relation.Samples));
        }));

    private string FillerText() =>
        string.Join(" ", Enumerable.Range(0, 1 + _rng.Next(4)).Select(_ => _rng.NextDouble() < 0.5 ? Distractor() : _rng.Pick(Phrasings.Filler)));

    private string Distractor()
    {
        var relation = _rng.Pick(_relations);
        var sentences = Phrasings.Distractors.GetValueOrDefault(relation.Key);
        return sentences is null ? _rng.Pick(Phrasings.Filler) : Relation.Prompt(_rng.Pick(sentences), _rng.Pick(relation.Samples).Subject);
    }

    /// <summary>The relation's own first template half of the time (the one the project evaluates with), else any other.</summary>
    private string Template(int relation) =>
        _rng.NextDouble() < 0.5 || _templates[relation].Count == 1 ? _templates[relation][0] : _templates[relation][1 + _rng.Next(_templates[relation].Count - 1)];

    private static string Line(string template, Sample s) => Relation.Prompt(template, s.Subject) + " " + s.Object;
}
