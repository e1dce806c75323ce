using System.Diagnostics;
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

    [Parameter(Mandatory = true, ParameterSetName = "Relation")]
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
            var progress = new ProgressRecord(1, $"New-LreOperator {relation.Name}", "starting");
            try
            {
                for (int k = 0; k < layers.Length; k++)
                {
                    int layer = layers[k];
                    var clock = Stopwatch.StartNew();
                    WriteVerbose($"Estimating the {Method} operator of '{relation.Name}' at {engine.Architecture.BlockName(layer)} ({relation.Samples.Count} samples).");
                    var op = OperatorEstimator.Estimate(engine, new OperatorRequest
                    {
                        Relation = relation, Layer = layer, Method = Method, Beta = Beta, Rank = Rank, FewShot = FewShot,
                        TrainFraction = TrainFraction, TrainCount = TrainCount, Seed = Seed, TestSamples = test,
                        Progress = (done, total) =>
                        {
                            progress.StatusDescription = $"layer {layer} ({k + 1}/{layers.Length}): training sample {done}/{total}";
                            progress.PercentComplete = (int)(100.0 * (k + (double)done / total) / layers.Length);
                            WriteProgress(progress);
                        },
                    }, Stopping);
                    WriteVerbose($"Layer {layer}: {op.Train.Count} training and {op.Test.Count} test samples in {clock.Elapsed.TotalSeconds:F1} s.");
                    WriteObject(new LreOperator(Model, op));
                }
            }
            finally
            {
                progress.RecordType = ProgressRecordType.Completed;
                WriteProgress(progress);
            }
        });
    }
}
