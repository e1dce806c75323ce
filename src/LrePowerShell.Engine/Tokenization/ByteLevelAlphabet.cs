namespace LrePowerShell.Engine.Tokenization;

/// <summary>GPT-2's reversible byte ↔ printable-character map (<c>bytes_to_unicode</c>): bytes that are
/// printable Latin-1 map to themselves, the other 68 to U+0100.. in byte order (space → 'Ġ', '\n' → 'Ċ').</summary>
internal static class ByteLevelAlphabet
{
    public static readonly char[] ByteToChar = BuildByteToChar();
    private static readonly Dictionary<char, byte> CharToByteMap =
        Enumerable.Range(0, 256).ToDictionary(b => ByteToChar[b], b => (byte)b);

    public static bool TryGetByte(char c, out byte b) => CharToByteMap.TryGetValue(c, out b);

    private static char[] BuildByteToChar()
    {
        var map = new char[256];
        int n = 0;
        for (int b = 0; b < 256; b++)
        {
            bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map[b] = printable ? (char)b : (char)(256 + n++);
        }
        return map;
    }
}
