using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace LrePowerShell.Completion;

/// <summary>Tab completion of relation files (-Data, -TestData, Import-LreRelation -Path): PowerShell's own
/// path completion (relative paths, quoting, ~), kept to folders, to walk into, and .json files.</summary>
public sealed class RelationFileCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionCompleters.CompleteFilename(wordToComplete)
            .Where(c => c.ResultType == CompletionResultType.ProviderContainer ||
                        c.ListItemText.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            .ToArray();
}
