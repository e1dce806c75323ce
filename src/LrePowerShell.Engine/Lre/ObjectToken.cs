using LrePowerShell.Engine.Errors;

namespace LrePowerShell.Engine.Lre;

/// <summary>Objects as the model writes them after a prompt: a leading space, then the word.</summary>
public static class ObjectToken
{
    /// <summary>The id of the object's first token, with its leading space (BOS skipped).</summary>
    public static int FirstId(LanguageModel model, string obj)
    {
        var tokens = model.Tokenizer.Encode(" " + obj.TrimStart());
        int skip = model.Tokenizer.AddsBos ? 1 : 0;
        if (tokens.Count <= skip)
            throw new LreException("RelationObjectEmpty", LreErrorKind.InvalidData, $"The object '{obj}' encodes to no token.");
        return tokens[skip].Id;
    }

    /// <summary>The paper's correctness rule: the predicted token, stripped and lower-cased, is
    /// non-empty and the (lower-cased) object starts with it.</summary>
    public static bool PrefixMatches(string predictedToken, string obj)
    {
        string p = predictedToken.Trim().ToLowerInvariant();
        return p.Length > 0 && obj.Trim().ToLowerInvariant().StartsWith(p, StringComparison.Ordinal);
    }
}
