namespace LrePowerShell.Engine.Tokenization;

/// <summary>One token of an encoded text. Start/End are [start, end) character offsets into the
/// original text, untrimmed (a leading space belongs to the token, as in HF offsets); a BOS added
/// by the tokenizer has Start = End = 0. Offsets are .NET string (UTF-16) indices, which equal HF's
/// code-point offsets for text without surrogate pairs. <see cref="Token"/> is the token's own text
/// (byte-level bytes or SentencePiece piece decoded, '▁' as a space, a partial UTF-8 character as
/// U+FFFD, a special token as its content), i.e. what HF <c>decode([id])</c> gives for byte-level models.</summary>
public readonly record struct TokenPiece(int Id, string Token, int Start, int End);

/// <summary>The tokenizer of a loaded model, with the family's own rules for BOS and special tokens.</summary>
public interface ILreTokenizer
{
    /// <summary>Encodes with HF <c>add_special_tokens=True</c> semantics: BOS first where the family adds one;
    /// special-token strings (e.g. <c>&lt;|endoftext|&gt;</c>) in the text are kept whole as their ids.</summary>
    IReadOnlyList<TokenPiece> Encode(string text);

    /// <summary>Decodes ids to text (byte-level and byte-fallback pieces joined into UTF-8 first).</summary>
    string Decode(IReadOnlyList<int> ids);

    /// <summary>Whether <see cref="Encode"/> puts a BOS token at position 0.</summary>
    bool AddsBos { get; }

    /// <summary>The id <see cref="Encode"/> puts at position 0, or null when <see cref="AddsBos"/> is false.</summary>
    int? BosTokenId { get; }
    /// <summary>The id of the EOS token (tokenizer_config <c>eos_token</c>, else config.json <c>eos_token_id</c>), or null.</summary>
    int? EosTokenId { get; }
    /// <summary>The EOS token's text (e.g. <c>&lt;|endoftext|&gt;</c>), or null.</summary>
    string? EosToken { get; }

    /// <summary>Number of ids the tokenizer can produce (may be smaller than the model's vocab_size).</summary>
    int Size { get; }

    /// <summary>The raw vocabulary string of an id (HF <c>convert_ids_to_tokens</c>: e.g. <c>Ġcity</c>, <c>▁city</c>,
    /// <c>&lt;0x0A&gt;</c>), or null when the id is not in the vocabulary.</summary>
    string? IdToToken(int id);

    /// <summary>The id of a raw vocabulary string or added/special token (inverse of <see cref="IdToToken"/>), or null.</summary>
    int? TokenToId(string token);
}
