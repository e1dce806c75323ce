using System.Globalization;
using System.Management.Automation;
using LrePowerShell.Engine.Lre;

namespace LrePowerShell;

/// <summary>A (subject, object) pair.</summary>
public sealed class LreSample
{
    public string Subject { get; init; } = "";
    public string Object { get; init; } = "";

    internal static LreSample From(RelationSample s) => new() { Subject = s.Subject, Object = s.Object };
    internal RelationSample ToEngine() => new(Subject, Object);
    public override string ToString() => $"{Subject} -> {Object}";
}

/// <summary>A relation dataset (Import-LreRelation).</summary>
public sealed class LreRelation
{
    internal LreRelation(Relation engine)
    {
        Engine = engine;
        Samples = engine.Samples.Select(LreSample.From).ToArray();
    }

    internal Relation Engine { get; }
    public string Name => Engine.Name;
    /// <summary>The template used: the first of <see cref="Templates"/>.</summary>
    public string Template => Engine.Template;
    [Hidden]
    public string[] Templates => Engine.Templates.ToArray();
    public int SampleCount => Samples.Length;
    [Hidden]
    public LreSample[] Samples { get; }
    public string? Path => Engine.SourcePath;
}

/// <summary>An estimated operator z = β·W·h + b (New-LreOperator, Import-LreOperator).</summary>
public sealed class LreOperator
{
    internal LreOperator(LreModel model, LinearOperator engine)
    {
        Model = model;
        Engine = engine;
    }

    internal LinearOperator Engine { get; }
    public LreModel Model { get; }
    public string Relation => Engine.Relation;
    public int Layer => Engine.Layer;
    public string LayerName => Engine.LayerName;
    public string Method => Engine.Method.ToString();
    public string Template => Engine.Template;
    public double Beta => Engine.Beta;
    public int Rank => Engine.Rank;
    /// <summary>Examples before each prompt: "all" (the paper), or a number (0 = zero-shot, the seed).</summary>
    public string FewShot => Engine.FewShot?.ToString() ?? "all";
    public int TrainSamples => Engine.Train.Count;
    public int TestSamples => Engine.Test.Count;
    public int HiddenSize => Engine.Dim;
    [Hidden]
    public LreSample[] TrainData => Engine.Train.Select(LreSample.From).ToArray();
    [Hidden]
    public LreSample[] TestData => Engine.Test.Select(LreSample.From).ToArray();
    /// <summary>Singular values of W (largest first): how close to low rank the relation is.</summary>
    public double[] GetSingularValues() => OperatorMath.SingularValues(Engine);
    public override string ToString() => $"{Relation} @ {LayerName} ({Method})";
}

/// <summary>Faithfulness of one operator on its test samples (Test-LreFaithfulness).</summary>
public sealed class LreFaithfulness
{
    public string Model { get; init; } = "";
    public string Relation { get; init; } = "";
    public int Layer { get; init; }
    public string Method { get; init; } = "";
    public double Beta { get; init; }
    public int Rank { get; init; }
    public int Total { get; init; }
    public int Faithful { get; init; }
    public double Faithfulness { get; init; }
    public int Correct { get; init; }
    public double Accuracy { get; init; }
    public int ModelCorrect { get; init; }
    public double ModelAccuracy { get; init; }
    /// <summary>The seed's line, <c>Faithfulness: 28/38 (73.68%)</c>, the same in every culture.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"Faithfulness: {Faithful}/{Total} ({Faithfulness * 100:0.00}%)");
}

/// <summary>One test sample of Test-LreFaithfulness -PerSample.</summary>
public sealed class LreFaithfulnessSample
{
    public string Relation { get; init; } = "";
    public int Layer { get; init; }
    public double Beta { get; init; }
    public string Subject { get; init; } = "";
    public string Expected { get; init; } = "";
    public string ModelPrediction { get; init; } = "";
    public string LrePrediction { get; init; } = "";
    public int ModelTokenId { get; init; }
    public int LreTokenId { get; init; }
    public bool Faithful { get; init; }
    public bool Correct { get; init; }
    public bool ModelCorrect { get; init; }
}

/// <summary>Causality of an operator's edits at one rank (Test-LreCausality).</summary>
public sealed class LreCausality
{
    public string Model { get; init; } = "";
    public string Relation { get; init; } = "";
    public int Layer { get; init; }
    /// <summary>Rank of the pseudo-inverse (0 = full).</summary>
    public int Rank { get; init; }
    public int Total { get; init; }
    public int Succeeded { get; init; }
    public double Causality { get; init; }
}
