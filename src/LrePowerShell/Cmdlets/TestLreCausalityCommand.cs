using System.Management.Automation;
using LrePowerShell.Engine.Lre;

namespace LrePowerShell.Cmdlets;

/// <summary>The paper's editing test: does Δh = W⁺_r (o′ − o) at the subject make the model predict the target's object?</summary>
[Cmdlet(VerbsDiagnostic.Test, "LreCausality")]
[OutputType(typeof(LreCausality))]
public sealed class TestLreCausalityCommand : LreCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public LreOperator[] Operator { get; set; } = Array.Empty<LreOperator>();

    /// <summary>Ranks of the pseudo-inverse to try (0 = full); default the operator's rank.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int[]? Rank { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var op in Operator)
        {
            Run(op, () =>
            {
                var ranks = Rank ?? new[] { op.Rank };
                using var activity = StartActivity($"Test-LreCausality: {op}");
                var trials = Timed($"Editing {op} toward other test subjects at rank {string.Join(", ", ranks.Select(r => r == 0 ? "full" : r.ToString()))}", () =>
                    LreEvaluation.Causality(op.Model.Engine, op.Engine, ranks, StopToken, (done, total) =>
                        activity.Report($"prompt {done}/{total}", done, total)));
                foreach (var group in trials.GroupBy(t => t.Rank))
                {
                    int total = group.Count(), ok = group.Count(t => t.Succeeded);
                    WriteObject(new LreCausality
                    {
                        Model = op.Model.Name, Relation = op.Relation, Layer = op.Layer, Rank = group.Key,
                        Total = total, Succeeded = ok, Causality = (double)ok / total,
                    });
                }
            });
        }
    }
}
