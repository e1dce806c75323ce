using System.Management.Automation;
using LrePowerShell.Engine;

namespace LrePowerShell.Cmdlets;

/// <summary>The model's most likely next tokens after each prompt, with logits and probabilities.</summary>
[Cmdlet(VerbsCommon.Get, "LrePrediction")]
[OutputType(typeof(LrePrediction))]
public sealed class GetLrePredictionCommand : LreCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public LreModel Model { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [AllowEmptyString]
    public string[] Prompt { get; set; } = Array.Empty<string>();

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Top { get; set; } = 5;

    protected override void ProcessRecord()
    {
        Run(Prompt, () =>
        {
            Model.Engine.ThrowIfDisposed();
            string what = $"Predicting the top {Top} next tokens of {Prompt.Length} prompt{(Prompt.Length == 1 ? "" : "s")}";
            using var activity = StartActivity("Get-LrePrediction");
            Timed(what, () =>
            {
                // a batch at a time, so that rows stream out, progress moves and Ctrl+C lands between batches
                int done = 0;
                foreach (var batch in Prompt.Chunk(ModelOperations.MaxBatchRows))
                {
                    activity.Report($"{what}: {done}/{Prompt.Length}", done, Prompt.Length);
                    foreach (var r in Model.Engine.Predict(batch, Top, StopToken))
                        WriteObject(new LrePrediction { Prompt = r.Prompt, Rank = r.Rank, TokenId = r.TokenId, Token = r.Token, Logit = r.Logit, Probability = r.Probability });
                    done += batch.Length;
                }
            });
        });
    }
}
