using System.Management.Automation;
using LrePowerShell.Completion;
using LrePowerShell.Engine;
using LrePowerShell.Engine.Errors;

namespace LrePowerShell.Cmdlets;

/// <summary>Reads the residual stream (block outputs, before the final norm) of prompts.</summary>
[Cmdlet(VerbsCommon.Get, "LreHiddenState")]
[OutputType(typeof(LreHiddenState))]
public sealed class GetLreHiddenStateCommand : LreCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public LreModel Model { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [AllowEmptyString]
    public string[] Prompt { get; set; } = Array.Empty<string>();

    /// <summary>Block indices or module names (<c>15</c>, <c>transformer.h.15</c>).</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ArgumentCompleter(typeof(LayerCompleter))]
    public object[] Layer { get; set; } = Array.Empty<object>();

    /// <summary><c>Last</c> (default), <c>SubjectLast</c> (with -Subject), <c>All</c>, or a token index (negative from the end).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(PositionCompleter))]
    public string Position { get; set; } = "Last";

    [Parameter]
    public string? Subject { get; set; }

    protected override void ProcessRecord()
    {
        Run(Prompt, () =>
        {
            var engine = Model.Engine;
            engine.ThrowIfDisposed();
            var layers = Layer.Select(l => engine.ResolveBlock(l is PSObject p ? p.BaseObject : l)).ToArray();
            var position = ParsePosition();
            string what = $"Reading layer{(layers.Length == 1 ? "" : "s")} {string.Join(", ", layers)} at {Position} of {Prompt.Length} prompt{(Prompt.Length == 1 ? "" : "s")}";
            using var activity = StartActivity("Get-LreHiddenState");
            Timed(what, () =>
            {
                // a batch at a time, so that states stream out, progress moves and Ctrl+C lands between batches
                int done = 0;
                foreach (var batch in Prompt.Chunk(ModelOperations.MaxBatchRows))
                {
                    activity.Report($"{what}: {done}/{Prompt.Length}", done, Prompt.Length);
                    foreach (var r in engine.HiddenStates(batch, layers, position, StopToken))
                        WriteObject(new LreHiddenState { Prompt = r.Prompt, Layer = r.Layer, LayerName = r.LayerName, Position = r.Position, TokenId = r.TokenId, Token = r.Token, Vector = r.Vector });
                    done += batch.Length;
                }
            });
        });
    }

    private PositionSelector ParsePosition()
    {
        if (string.Equals(Position, "Last", StringComparison.OrdinalIgnoreCase)) return PositionSelector.Last;
        if (string.Equals(Position, "All", StringComparison.OrdinalIgnoreCase)) return PositionSelector.All;
        if (string.Equals(Position, "SubjectLast", StringComparison.OrdinalIgnoreCase))
            return string.IsNullOrEmpty(Subject)
                ? throw new LreException("SubjectRequired", LreErrorKind.InvalidArgument, "-Position SubjectLast needs -Subject.")
                : PositionSelector.SubjectLast(Subject);
        if (int.TryParse(Position, out int index)) return PositionSelector.At(index);
        throw new LreException("PositionInvalid", LreErrorKind.InvalidArgument,
            $"-Position '{Position}' is not understood: use Last, SubjectLast, All or a token index.");
    }
}
