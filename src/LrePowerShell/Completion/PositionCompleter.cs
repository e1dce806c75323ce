using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace LrePowerShell.Completion;

/// <summary>Tab completion of Get-LreHiddenState -Position: its named positions (a token index works too,
/// which is why the parameter is a string and not a ValidateSet).</summary>
public sealed class PositionCompleter : IArgumentCompleter
{
    private static readonly (string Name, string Tip)[] Positions =
    {
        ("Last", "the last token of each prompt"),
        ("SubjectLast", "the last token of -Subject (its last occurrence)"),
        ("All", "every token"),
    };

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Positions
            .Where(p => p.Name.StartsWith(wordToComplete.Trim('\'', '"'), StringComparison.OrdinalIgnoreCase))
            .Select(p => new CompletionResult(p.Name, p.Name, CompletionResultType.ParameterValue, p.Tip))
            .ToArray();
}
