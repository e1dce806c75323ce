using LrePowerShell.Engine.Errors;

namespace LrePowerShell.Engine.Lre;

/// <summary>Python's <c>template.format(subject)</c> for the relation templates: exactly one <c>{}</c>.</summary>
public static class PromptTemplate
{
    public static void Check(string template)
    {
        int first = template?.IndexOf("{}", StringComparison.Ordinal) ?? -1;
        if (first < 0)
            throw new LreException("TemplateInvalid", LreErrorKind.InvalidArgument,
                $"The template '{template}' has no '{{}}' where the subject goes (e.g. '{{}} students are typically').");
        if (template!.IndexOf("{}", first + 2, StringComparison.Ordinal) >= 0)
            throw new LreException("TemplateInvalid", LreErrorKind.InvalidArgument,
                $"The template '{template}' has more than one '{{}}'; a relation template takes exactly one subject.");
    }

    public static string Format(string template, string subject)
    {
        int at = template.IndexOf("{}", StringComparison.Ordinal);
        return template[..at] + subject + template[(at + 2)..];
    }
}
