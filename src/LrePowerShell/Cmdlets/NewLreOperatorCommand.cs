using System.Management.Automation;
using LrePowerShell.Completion;
using LrePowerShell.Engine.Lre;

namespace LrePowerShell.Cmdlets;

/// <summary>Estimates Linear Relational Embedding operators, one per layer.</summary>
[Cmdlet(VerbsCommon.New, "LreOperator", DefaultParameterSetName = "Data")]
[OutputType(typeof(LreOperator))]
public sealed class NewLreOperatorCommand : LreCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public LreModel Model { get; set; } = null!;

    /// <summary>Block indices or module names; one operator per layer.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ArgumentCompleter(typeof(LayerCompleter))]
    public object[] Layer { get; set; } = Array.Empty<object>();

    [Parameter(Mandatory = true, ParameterSetName = "Data")]
    [ArgumentCompleter(typeof(RelationFileCompleter))]
    public string Data { get; set; } = "";

    [Parameter(Mandatory = true, ParameterSetName = "Relation", ValueFromPipeline = true)]
    public LreRelation Relation { get; set; } = null!;

    [Parameter]
    public string? Template { get; set; }

    [Parameter]
    public LreMethod Method { get; set; } = LreMethod.Jacobian;

    [Parameter]
    public double Beta { get; set; } = 1.0;

    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int Rank { get; set; }

    /// <summary>Training pairs before each prompt; default all (Jacobian, the paper) or 0 (Regression, the seed).</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? FewShot { get; set; }

    [Parameter]
    public double TrainFraction { get; set; } = 0.6;

    [Parameter]
    public int Seed { get; set; } = 42;

    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? TrainCount { get; set; }

    /// <summary>Test samples from a file: then every sample of -Data trains, in file order.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(RelationFileCompleter))]
    public string? TestData { get; set; }

    [Parameter]
    public LreRelation? TestRelation { get; set; }

    protected override void ProcessRecord()
    {
        Run(Model, () =>
        {
            var engine = Model.Engine;
            engine.ThrowIfDisposed();
            var relation = Relation is not null
                ? RelationLoading.WithTemplate(this, Relation.Engine, Template)
                : RelationLoading.Load(this, Data, Template);
            IReadOnlyList<RelationSample>? test = TestRelation?.Engine.Samples
                ?? (TestData is null ? null : RelationLoading.Load(this, TestData, Template).Samples);
            var layers = Layer.Select(l => engine.ResolveBlock(l is PSObject p ? p.BaseObject : l)).ToArray();
            using var sweep = StartActivity($"New-LreOperator: {relation.Name} ({Method})");
            for (int k = 0; k < layers.Length; k++)
            {
                StopToken.ThrowIfCancellationRequested();
                int layer = layers[k];
                string blockName = engine.Architecture.BlockName(layer);
                sweep.Report($"{blockName} ({k + 1}/{layers.Length})", k, layers.Length);
                using var samples = StartActivity($"Layer {layer}: {(Method == LreMethod.Jacobian ? "Jacobians" : "hidden states")} of the training samples", sweep);
                var op = Timed($"Estimating the {Method} operator of '{relation.Name}' at {blockName} ({relation.Samples.Count} samples)", () =>
                    OperatorEstimator.Estimate(engine, new OperatorRequest
                    {
                        Relation = relation, Layer = layer, Method = Method, Beta = Beta, Rank = Rank, FewShot = FewShot,
                        TrainFraction = TrainFraction, TrainCount = TrainCount, Seed = Seed, TestSamples = test,
                        Progress = (done, total) =>
                        {
                            samples.Report($"training sample {done}/{total}", done, total);
                            sweep.Report($"{blockName} ({k + 1}/{layers.Length})", k + (double)done / total, layers.Length);
                        },
                    }, StopToken));
                WriteVerbose($"Layer {layer}: {op.Train.Count} training and {op.Test.Count} test samples.");
                samples.Dispose();   // completed before the next command in the pipeline starts on the operator
                WriteObject(new LreOperator(Model, op));
            }
        });
    }
}
