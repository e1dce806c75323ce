using System.Management.Automation;
using LrePowerShell.Completion;
using LrePowerShell.Engine.Lre;

namespace LrePowerShell.Cmdlets;

/// <summary>How faithfully operators reproduce the model's own next token on test samples.</summary>
[Cmdlet(VerbsDiagnostic.Test, "LreFaithfulness")]
[OutputType(typeof(LreFaithfulness), typeof(LreFaithfulnessSample))]
public sealed class TestLreFaithfulnessCommand : LreCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public LreOperator[] Operator { get; set; } = Array.Empty<LreOperator>();

    /// <summary>Evaluate these samples instead of the operator's held-out split.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(RelationFileCompleter))]
    public string? Data { get; set; }

    /// <summary>Evaluate at these β instead of the operator's own (one result per β).</summary>
    [Parameter]
    public double[]? Beta { get; set; }

    /// <summary>One object per test sample (the seed's table), then the faithfulness line on the host.</summary>
    [Parameter]
    public SwitchParameter PerSample { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var op in Operator)
        {
            Run(op, () =>
            {
                var samples = Data is null ? null : RelationLoading.Load(this, Data, op.Template).Samples;
                var betas = Beta ?? new[] { op.Beta };
                using var activity = StartActivity($"Test-LreFaithfulness: {op}");
                for (int k = 0; k < betas.Length; k++)
                {
                    double beta = betas[k];
                    var withBeta = op.Engine.With(beta: beta);
                    int count = samples?.Count ?? op.TestSamples;
                    var results = Timed($"Evaluating {op} at beta {beta} on {count} samples", () =>
                        LreEvaluation.Faithfulness(op.Model.Engine, withBeta, samples, StopToken, (done, total) =>
                            activity.Report($"beta {beta} ({k + 1}/{betas.Length}): prompt {done}/{total}", k + (double)done / total, betas.Length)));
                    var summary = Summarize(op, withBeta, results);
                    WriteVerbose($"{op}, beta {beta}: {summary}");
                    if (!PerSample) { WriteObject(summary); continue; }
                    foreach (var r in results)
                        WriteObject(new LreFaithfulnessSample
                        {
                            Relation = op.Relation, Layer = op.Layer, Beta = beta, Subject = r.Subject, Expected = r.Expected,
                            ModelPrediction = r.ModelPrediction, LrePrediction = r.LrePrediction,
                            ModelTokenId = r.ModelTokenId, LreTokenId = r.LreTokenId,
                            Faithful = r.Faithful, Correct = r.Correct, ModelCorrect = r.ModelCorrect,
                        });
                    // the seed's closing line, as Write-Host does it (information stream, shown by
                    // default, capturable with 6>&1) so that the piped objects stay of one type
                    WriteInformation(new HostInformationMessage { Message = summary.ToString() }, new[] { "PSHOST" });
                }
            });
        }
    }

    private static LreFaithfulness Summarize(LreOperator op, LinearOperator engine, IReadOnlyList<FaithfulnessSample> r)
    {
        int n = r.Count;
        return new LreFaithfulness
        {
            Model = op.Model.Name, Relation = op.Relation, Layer = op.Layer, Method = op.Method, Beta = engine.Beta, Rank = engine.Rank,
            Total = n,
            Faithful = r.Count(x => x.Faithful), Faithfulness = (double)r.Count(x => x.Faithful) / n,
            Correct = r.Count(x => x.Correct), Accuracy = (double)r.Count(x => x.Correct) / n,
            ModelCorrect = r.Count(x => x.ModelCorrect), ModelAccuracy = (double)r.Count(x => x.ModelCorrect) / n,
        };
    }
}
