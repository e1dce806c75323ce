using System.Management.Automation;
using LrePowerShell.Engine;

namespace LrePowerShell.Cmdlets;

/// <summary>Greedy continuation of prompts (argmax at every step, KV-cached), stopping at EOS.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "LreGeneration")]
[OutputType(typeof(LreGeneration))]
public sealed class InvokeLreGenerationCommand : LreCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public LreModel Model { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [AllowEmptyString]
    public string[] Prompt { get; set; } = Array.Empty<string>();

    [Parameter]
    [ValidateRange(0, 100_000)]
    public int MaxNewTokens { get; set; } = 32;

    /// <summary>Keep generating past the end-of-sequence token.</summary>
    [Parameter]
    public SwitchParameter IgnoreEos { get; set; }

    protected override void ProcessRecord()
    {
        using var activity = StartActivity("Invoke-LreGeneration");
        for (int i = 0; i < Prompt.Length; i++)
        {
            string prompt = Prompt[i];
            int k = i;
            Run(prompt, () =>
            {
                var r = Timed($"Generating up to {MaxNewTokens} tokens after '{prompt}'", () =>
                    Model.Engine.Generate(prompt, MaxNewTokens, stopAtEos: !IgnoreEos, StopToken, tokens =>
                        activity.Report($"prompt {k + 1}/{Prompt.Length}: {tokens}/{MaxNewTokens} tokens", k + (double)tokens / MaxNewTokens, Prompt.Length)));
                WriteObject(new LreGeneration { Prompt = r.Prompt, Text = r.Text, TokenIds = r.TokenIds });
            });
        }
    }
}
