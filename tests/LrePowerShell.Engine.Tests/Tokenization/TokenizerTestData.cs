using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using LrePowerShell.Engine.Tokenization;
using Xunit.Sdk;

namespace LrePowerShell.Engine.Tests.Tokenization;

/// <summary>Shared helpers of the tokenizer tests: cached tokenizers of the shared fixtures, golden readers,
/// deterministic text generators and a comparison that names the failing case.</summary>
internal static class TokenizerTestData
{
    private static readonly ConcurrentDictionary<string, ILreTokenizer> Cache = new();

    /// <summary>A fixture name under shared/fixtures, or "stories260k" for models/stories260k/hf.</summary>
    public static ILreTokenizer Get(string fixture) => Cache.GetOrAdd(fixture, f => TokenizerLoader.Load(Folder(f)));

    public static string Folder(string fixture) =>
        fixture == "stories260k" ? Path.Combine(SharedData.Stories260k, "hf") : SharedData.Fixture(fixture);

    public static JsonElement ReadJson(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.Clone();
    }

    public static int[] Ints(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt32()).ToArray();

    public static int[] Ids(IReadOnlyList<TokenPiece> pieces) => pieces.Select(p => p.Id).ToArray();

    public static void EqualSeq<T>(IReadOnlyList<T> expected, IReadOnlyList<T> actual, string context)
    {
        if (expected.SequenceEqual(actual)) return;
        int i = 0;
        while (i < Math.Min(expected.Count, actual.Count) && Equals(expected[i], actual[i])) i++;
        throw new XunitException(
            $"{context}: first difference at index {i} (expected {expected.Count} items, got {actual.Count}).\n" +
            $"expected: [{string.Join(", ", expected)}]\nactual:   [{string.Join(", ", actual)}]");
    }

    public static string Show(string s) => JsonSerializer.Serialize(s);

    /// <summary>Deterministic varied strings: letters with accents (precomposed), CJK, whitespace runs incl.
    /// tabs/newlines/trailing spaces, digits, punctuation, contractions, emoji, supplementary letters,
    /// and (when <paramref name="special"/> is given) that special token inside the text.</summary>
    public static List<string> VariedStrings(int count, int seed, string? special = null, bool whitespaceRuns = true)
    {
        string[] words =
        [
            "the", "The", "city", "Berlin", "located", "country", "hello", "HELLO", "world", "café", "naïve", "résumé",
            "Ångström", "straße", "Ελληνικά", "русский", "日本語", "中文字符", "한국어", "עברית", "العربية", "हिन्दी",
            "12345", "3.14159", "2024-01-01", "1,000,000", "x1y2z3", "it's", "don't", "we'll", "they're", "I'm", "you've",
            "he'd", "IT'S", "O'Neil", "rock'n'roll", "😀", "👍🏽", "🇩🇪", "𝐀𝐁𝐂", "𠀀𠀁", "e-mail", "foo_bar", "snake_case",
            "https://example.com/a?b=c", "<html>", "{json: true}", "$100", "50%", "a+b=c", "#hashtag", "@user", "...", "?!",
            "—", "–", "“quoted”", "«guillemets»", "¿qué?", "¡sí!", "ﬁ", "Ⅻ", "½", "²", "\u00A0", "\u3000", "\u200B",
        ];
        string[] seps = whitespaceRuns
            ? [" ", " ", " ", " ", "  ", "   ", "\t", "\n", "\n\n", " \n", "\r\n", "\t\t ", ", ", ". ", "", "-", "!\n"]
            : [" ", " ", " ", " ", ", ", ". ", "", "-", "!\n", "\n", "\t"];
        var rng = new Random(seed);
        var result = new List<string>(count);
        for (int k = 0; k < count; k++)
        {
            var sb = new StringBuilder();
            if (whitespaceRuns && rng.Next(8) == 0) sb.Append(seps[rng.Next(seps.Length)]);
            int n = 1 + rng.Next(12);
            for (int w = 0; w < n; w++)
            {
                if (special != null && rng.Next(10) == 0) sb.Append(special);
                sb.Append(words[rng.Next(words.Length)]);
                if (w + 1 < n) sb.Append(seps[rng.Next(seps.Length)]);
            }
            if (whitespaceRuns && rng.Next(6) == 0) sb.Append(rng.Next(2) == 0 ? "  " : " \n");
            if (special != null && rng.Next(8) == 0) sb.Append(special);
            result.Add(sb.ToString());
        }
        return result;
    }
}
