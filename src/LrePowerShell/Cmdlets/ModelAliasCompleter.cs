using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using LrePowerShell.Engine.Hub;

namespace LrePowerShell.Cmdlets;

/// <summary>Tab completion of Import-LreModel's -Name with the model aliases and the hub ids they stand for.</summary>
public sealed class ModelAliasCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string prefix = wordToComplete.Trim('\'', '"');
        return ModelAliases.All
            .Where(a => a.Key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .OrderBy(a => a.Key, StringComparer.Ordinal)
            .Select(a => new CompletionResult(a.Key, a.Key, CompletionResultType.ParameterValue, a.Value));
    }
}
