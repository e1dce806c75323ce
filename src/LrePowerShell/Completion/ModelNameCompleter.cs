using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using LrePowerShell.Engine.Hub;

namespace LrePowerShell.Completion;

/// <summary>Tab completion of Import-LreModel's -Name: the model aliases (with the hub ids they stand
/// for), then the hub ids of the models already in the hub cache (they load without the network).</summary>
public sealed class ModelNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string prefix = wordToComplete.Trim('\'', '"');
        var cached = CachedModels.List(HubSettings.FromEnvironment().CacheFolder);
        var cachedIds = cached.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var aliases = ModelAliases.All
            .Where(a => a.Key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .OrderBy(a => a.Key, StringComparer.Ordinal)
            .Select(a => new CompletionResult(a.Key, a.Key, CompletionResultType.ParameterValue,
                cachedIds.Contains(a.Value) ? $"{a.Value} (in the hub cache)" : a.Value));
        var hubIds = cached
            .Where(id => id.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(id => new CompletionResult(id, id, CompletionResultType.ParameterValue, $"{id} (in the hub cache)"));
        return aliases.Concat(hubIds).ToArray();
    }
}
