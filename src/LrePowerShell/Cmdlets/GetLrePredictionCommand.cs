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

    [Parameter(Mandatory = true, Position = 0)]
    [AllowEmptyString]
    public string[] Prompt { get; set; } = Array.Empty<string>();

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Top { get; set; } = 5;

    protected override void ProcessRecord()
    {
        Run(Prompt, () =>
        {
            foreach (var r in Model.Engine.Predict(Prompt, Top, Stopping))
                WriteObject(new LrePrediction { Prompt = r.Prompt, Rank = r.Rank, TokenId = r.TokenId, Token = r.Token, Logit = r.Logit, Probability = r.Probability });
        });
    }
}
