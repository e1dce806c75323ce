using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace LrePowerShell.Engine.Tokenization;

/// <summary>
/// A .NET regex that behaves like HF's (Oniguruma / Rust) regexes on characters outside the BMP.
/// .NET matches UTF-16 units, so a surrogate pair is two "Cs" characters and <c>\p{L}</c> misses
/// e.g. 𝐀 or 𠀀. Before matching, every surrogate pair is replaced by one BMP stand-in of the same
/// Unicode category (letters by 'a', which no <c>(?i:'s|'t|…)</c> contraction contains), and match
/// positions are mapped back.
/// </summary>
internal sealed class CodePointRegex
{
    private readonly Regex _regex;

    public CodePointRegex(string pattern)
    {
        Pattern = pattern;
        _regex = new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled);
    }

    public string Pattern { get; }

    /// <summary>GPT-2's pre-tokenizer regex (HF ByteLevel with <c>use_regex</c>, tiktoken "gpt2").</summary>
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    /// <summary>Non-empty matches as (start, length) in <paramref name="text"/>'s UTF-16 indices.</summary>
    public List<(int Start, int Length)> Matches(string text)
    {
        var result = new List<(int, int)>();
        int[]? map = null;
        string subject = text;
        if (text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') >= 0) subject = Substitute(text, out map);
        for (var m = _regex.Match(subject); m.Success; m = m.NextMatch())
        {
            if (m.Length == 0) continue;
            if (map == null) result.Add((m.Index, m.Length));
            else
            {
                int s = map[m.Index], e = map[m.Index + m.Length];
                result.Add((s, e - s));
            }
        }
        return result;
    }

    private static string Substitute(string text, out int[] map)
    {
        var sb = new StringBuilder(text.Length);
        var m = new List<int>(text.Length + 1);
        for (int i = 0; i < text.Length; i++)
        {
            m.Add(i);
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                sb.Append(StandIn(CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(text[i], text[i + 1]))));
                i++;
            }
            else sb.Append(text[i]);
        }
        m.Add(text.Length);
        map = m.ToArray();
        return sb.ToString();
    }

    private static char StandIn(UnicodeCategory cat) => cat switch
    {
        UnicodeCategory.UppercaseLetter => 'A',
        UnicodeCategory.LowercaseLetter => 'a',
        UnicodeCategory.TitlecaseLetter => '\u01C5',
        UnicodeCategory.ModifierLetter => '\u02B0',
        UnicodeCategory.OtherLetter => '\u05D0',
        UnicodeCategory.NonSpacingMark => '\u0300',
        UnicodeCategory.SpacingCombiningMark => '\u0903',
        UnicodeCategory.EnclosingMark => '\u20DD',
        UnicodeCategory.DecimalDigitNumber => '0',
        UnicodeCategory.LetterNumber => '\u2160',
        UnicodeCategory.OtherNumber => '\u00B2',
        UnicodeCategory.SpaceSeparator => '\u3000',
        UnicodeCategory.ConnectorPunctuation => '_',
        UnicodeCategory.DashPunctuation => '-',
        UnicodeCategory.OpenPunctuation => '(',
        UnicodeCategory.ClosePunctuation => ')',
        UnicodeCategory.InitialQuotePunctuation => '\u00AB',
        UnicodeCategory.FinalQuotePunctuation => '\u00BB',
        UnicodeCategory.OtherPunctuation => '!',
        UnicodeCategory.MathSymbol => '+',
        UnicodeCategory.CurrencySymbol => '$',
        UnicodeCategory.ModifierSymbol => '^',
        UnicodeCategory.OtherSymbol => '\u00A9',
        UnicodeCategory.Format => '\u00AD',
        UnicodeCategory.PrivateUse => '\uE000',
        _ => '\u0378', // unassigned
    };
}
