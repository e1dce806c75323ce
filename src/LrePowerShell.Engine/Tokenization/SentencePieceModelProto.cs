using System.Text;

namespace LrePowerShell.Engine.Tokenization;

/// <summary>SentencePiece piece types (sentencepiece_model.proto).</summary>
internal enum SentencePieceType { Normal = 1, Unknown = 2, Control = 3, UserDefined = 4, Unused = 5, Byte = 6 }

internal readonly record struct SentencePieceEntry(string Piece, float Score, SentencePieceType Type);

/// <summary>The fields of a SentencePiece <c>ModelProto</c> (tokenizer.model) that encoding needs, read with a
/// minimal protobuf wire-format reader (no generated code; unknown fields are skipped).</summary>
internal sealed class SentencePieceModelProto
{
    public const string FileName = "tokenizer.model";

    public List<SentencePieceEntry> Pieces { get; } = [];
    /// <summary>TrainerSpec.model_type: 1 unigram, 2 BPE, 3 word, 4 char.</summary>
    public int ModelType { get; private set; } = 1;
    public bool ByteFallback { get; private set; }
    public bool TreatWhitespaceAsSuffix { get; private set; }
    public int UnkId { get; private set; } = 0;
    public int BosId { get; private set; } = 1;
    public int EosId { get; private set; } = 2;
    public string NormalizerName { get; private set; } = "";
    public int PrecompiledCharsmapLength { get; private set; }
    public bool AddDummyPrefix { get; private set; } = true;
    public bool RemoveExtraWhitespaces { get; private set; } = true;
    public bool EscapeWhitespaces { get; private set; } = true;

    public static SentencePieceModelProto Parse(byte[] data)
    {
        var m = new SentencePieceModelProto();
        try
        {
            var r = new Reader(data, 0, data.Length);
            while (r.Next(out int field, out int wire))
            {
                switch (field)
                {
                    case 1 when wire == 2: m.Pieces.Add(ReadPiece(r.Sub())); break;
                    case 2 when wire == 2: m.ReadTrainer(r.Sub()); break;
                    case 3 when wire == 2: m.ReadNormalizer(r.Sub()); break;
                    default: r.Skip(wire); break;
                }
            }
        }
        catch (Exception ex) when (ex is IndexOutOfRangeException or ArgumentException or InvalidDataException or OverflowException)
        {
            throw TokenizerErrors.Invalid(FileName, "not a SentencePiece model (" + ex.Message + ")", ex);
        }
        if (m.Pieces.Count == 0) throw TokenizerErrors.Invalid(FileName, "no pieces");
        return m;
    }

    private static SentencePieceEntry ReadPiece(Reader r)
    {
        string piece = "";
        float score = 0;
        int type = 1;
        while (r.Next(out int f, out int w))
        {
            if (f == 1 && w == 2) piece = r.String();
            else if (f == 2 && w == 5) score = r.Float();
            else if (f == 3 && w == 0) type = (int)r.Varint();
            else r.Skip(w);
        }
        return new SentencePieceEntry(piece, score, (SentencePieceType)type);
    }

    private void ReadTrainer(Reader r)
    {
        while (r.Next(out int f, out int w))
        {
            if (w != 0) { r.Skip(w); continue; }
            long v = (long)r.Varint();
            switch (f)
            {
                case 3: ModelType = (int)v; break;
                case 24: TreatWhitespaceAsSuffix = v != 0; break;
                case 35: ByteFallback = v != 0; break;
                case 40: UnkId = (int)v; break;
                case 41: BosId = (int)v; break;
                case 42: EosId = (int)v; break;
            }
        }
    }

    private void ReadNormalizer(Reader r)
    {
        while (r.Next(out int f, out int w))
        {
            if (f == 1 && w == 2) NormalizerName = r.String();
            else if (f == 2 && w == 2) PrecompiledCharsmapLength = r.Bytes().Length;
            else if (f == 3 && w == 0) AddDummyPrefix = r.Varint() != 0;
            else if (f == 4 && w == 0) RemoveExtraWhitespaces = r.Varint() != 0;
            else if (f == 5 && w == 0) EscapeWhitespaces = r.Varint() != 0;
            else r.Skip(w);
        }
    }

    /// <summary>Protobuf wire format over a byte range.</summary>
    private sealed class Reader(byte[] data, int pos, int end)
    {
        private int _pos = pos;

        public bool Next(out int field, out int wire)
        {
            field = wire = 0;
            if (_pos >= end) return false;
            ulong key = Varint();
            field = (int)(key >> 3);
            wire = (int)(key & 7);
            return true;
        }

        public ulong Varint()
        {
            ulong result = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                if (_pos >= end) throw new InvalidDataException("truncated varint");
                byte b = data[_pos++];
                result |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80) return result;
            }
            throw new InvalidDataException("varint too long");
        }

        public float Float()
        {
            if (_pos + 4 > end) throw new InvalidDataException("truncated float");
            float f = BitConverter.ToSingle(data, _pos);
            _pos += 4;
            return f;
        }

        public ReadOnlySpan<byte> Bytes()
        {
            int len = checked((int)Varint());
            if (len < 0 || _pos + len > end) throw new InvalidDataException("length past the end");
            var span = data.AsSpan(_pos, len);
            _pos += len;
            return span;
        }

        public string String() => Encoding.UTF8.GetString(Bytes());

        public Reader Sub()
        {
            int len = checked((int)Varint());
            if (len < 0 || _pos + len > end) throw new InvalidDataException("length past the end");
            var sub = new Reader(data, _pos, _pos + len);
            _pos += len;
            return sub;
        }

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0: Varint(); break;
                case 1: _pos += 8; break;
                case 2: Bytes(); break;
                case 5: _pos += 4; break;
                default: throw new InvalidDataException($"unknown wire type {wire}");
            }
            if (_pos > end) throw new InvalidDataException("field past the end");
        }
    }
}
