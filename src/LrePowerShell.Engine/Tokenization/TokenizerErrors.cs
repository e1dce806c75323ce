using LrePowerShell.Engine.Errors;

namespace LrePowerShell.Engine.Tokenization;

/// <summary>The tokenizer layer's <see cref="LreException"/>s and their stable ids.</summary>
internal static class TokenizerErrors
{
    public const string FilesMissingId = "TokenizerFilesMissing";
    public const string InvalidId = "TokenizerInvalid";
    public const string NotSupportedId = "TokenizerNotSupported";
    public const string TokenIdInvalidId = "TokenIdInvalid";

    public static LreException FilesMissing(string folder, string detail) =>
        new(FilesMissingId, LreErrorKind.NotFound,
            $"No tokenizer found in '{folder}': {detail} Looked for tokenizer.json, vocab.json + merges.txt, tokenizer.model.");

    public static LreException Invalid(string file, string detail, Exception? inner = null) =>
        new(InvalidId, LreErrorKind.InvalidData, $"Tokenizer file '{file}' is invalid: {detail}", inner);

    public static LreException NotSupported(string file, string detail) =>
        new(NotSupportedId, LreErrorKind.NotSupported, $"Tokenizer file '{file}' uses a feature this module does not support: {detail}");

    public static LreException BadId(int id, int size) =>
        new(TokenIdInvalidId, LreErrorKind.InvalidArgument, $"Token id {id} is not in the tokenizer's vocabulary (size {size}).");
}
