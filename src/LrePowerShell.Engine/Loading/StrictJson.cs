using System.Text;
using System.Text.Json;

namespace LrePowerShell.Engine.Loading;

/// <summary>
/// JSON from files the module did not write. System.Text.Json accepts invalid UTF-8 inside strings
/// and only fails later, when a string is read, with an InvalidOperationException: checking the
/// encoding first keeps every malformed file on the module's own error path.
/// </summary>
public static class StrictJson
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Parses <paramref name="bytes"/>; <paramref name="invalid"/> builds the error for a
    /// reason ("it is not valid UTF-8", "it is not valid JSON (…)").</summary>
    public static JsonDocument Parse(ReadOnlyMemory<byte> bytes, Func<string, Exception> invalid, JsonDocumentOptions options = default)
    {
        try { Utf8.GetCharCount(bytes.Span); }
        catch (DecoderFallbackException) { throw invalid("it is not valid UTF-8"); }
        try { return JsonDocument.Parse(bytes, options); }
        catch (JsonException ex) { throw invalid($"it is not valid JSON ({ex.Message})"); }
    }
}
