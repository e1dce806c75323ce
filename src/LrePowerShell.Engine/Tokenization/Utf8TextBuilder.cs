using System.Text;

namespace LrePowerShell.Engine.Tokenization;

/// <summary>Builds decoded text from a mix of whole strings and raw bytes (byte-level and
/// byte-fallback pieces): consecutive bytes are joined before they are read as UTF-8, so a
/// character split over several tokens comes out whole.</summary>
internal sealed class Utf8TextBuilder
{
    private readonly StringBuilder _text = new();
    private readonly List<byte> _bytes = new();

    public void Append(byte b) => _bytes.Add(b);

    public void Append(string s)
    {
        Flush();
        _text.Append(s);
    }

    public void Append(char c)
    {
        Flush();
        _text.Append(c);
    }

    public override string ToString()
    {
        Flush();
        return _text.ToString();
    }

    private void Flush()
    {
        if (_bytes.Count == 0) return;
        _text.Append(Encoding.UTF8.GetString(_bytes.ToArray()));
        _bytes.Clear();
    }
}
