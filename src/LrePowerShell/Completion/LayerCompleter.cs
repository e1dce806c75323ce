using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace LrePowerShell.Completion;

/// <summary>Tab completion of -Layer: the block indices and module names of the model the command is
/// given, through <c>-Model $m</c> or from a variable piped in (<c>$m | New-LreOperator -Layer</c>).
/// A model that would first have to be loaded completes nothing: completion never runs a command.</summary>
public sealed class LayerCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        if (FindModel(commandAst, fakeBoundParameters) is not { } model) return Array.Empty<CompletionResult>();
        string prefix = wordToComplete.Trim('\'', '"');
        var blocks = model.Engine.Layers.Where(l => l.Index >= 0).ToArray();
        string Tip(Engine.LayerInfo l) => l.Attention is null ? l.Name : $"{l.Name} ({l.Attention} attention)";
        var indices = blocks
            .Where(l => l.Index.ToString().StartsWith(prefix, StringComparison.Ordinal))
            .Select(l => new CompletionResult(l.Index.ToString(), l.Index.ToString(), CompletionResultType.ParameterValue, Tip(l)));
        var names = blocks
            .Where(l => l.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(l => new CompletionResult(l.Name, l.Name, CompletionResultType.ParameterValue, $"block {l.Index}"));
        return indices.Concat(names).ToArray();
    }

    private static LreModel? FindModel(CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        if (fakeBoundParameters.Contains("Model")) return Unwrap(fakeBoundParameters["Model"]);
        // `$m | New-LreOperator -Layer <Tab>`: the model is the value of the variable piped in
        if (commandAst.Parent is not PipelineAst pipeline) return null;
        int at = pipeline.PipelineElements.IndexOf(commandAst);
        if (at < 1 || pipeline.PipelineElements[at - 1] is not CommandExpressionAst { Expression: VariableExpressionAst variable }) return null;
        using var ps = PowerShell.Create(RunspaceMode.CurrentRunspace);
        // reading a variable runs nothing: safe to evaluate while the user is still typing
        var values = ps.AddScript(variable.Extent.Text).Invoke();
        return values.Count == 1 ? Unwrap(values[0]) : null;
    }

    private static LreModel? Unwrap(object? value) => (value is PSObject p ? p.BaseObject : value) as LreModel;
}
