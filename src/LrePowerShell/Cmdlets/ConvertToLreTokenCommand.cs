using System.Management.Automation;
using LrePowerShell.Engine;

namespace LrePowerShell.Cmdlets;

/// <summary>Tokenizes text with the model's tokenizer: ids, token strings and character offsets.</summary>
[Cmdlet(VerbsData.ConvertTo, "LreToken")]
[OutputType(typeof(LreToken))]
public sealed class ConvertToLreTokenCommand : LreCmdlet
{
    [Parameter(Mandatory = true)]
    public LreModel Model { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [AllowEmptyString]
    public string[] Text { get; set; } = Array.Empty<string>();

    protected override void ProcessRecord()
    {
        foreach (var text in Text)
        {
            Run(text, () =>
            {
                var tokens = Model.Engine.Tokenize(text);
                for (int i = 0; i < tokens.Count; i++)
                    WriteObject(new LreToken { Text = text, Position = i, Id = tokens[i].Id, Token = tokens[i].Token, Start = tokens[i].Start, End = tokens[i].End });
            });
        }
    }
}
