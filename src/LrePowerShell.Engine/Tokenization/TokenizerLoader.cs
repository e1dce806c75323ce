using System.Text.Json;

namespace LrePowerShell.Engine.Tokenization;

/// <summary>Creates the <see cref="ILreTokenizer"/> of a Hugging Face model folder.</summary>
public static class TokenizerLoader
{
    /// <summary>
    /// Loads the tokenizer of <paramref name="modelFolder"/>, choosing by the files present:
    /// <c>tokenizer.json</c> (byte-level BPE: Llama 3, Qwen2/3, …), else <c>vocab.json</c> + <c>merges.txt</c>
    /// (GPT-2 byte-level BPE), else <c>tokenizer.model</c> (SentencePiece BPE: Llama 2, Gemma, stories260k).
    /// A tokenizer.json that is not byte-level is skipped in favour of a tokenizer.model beside it.
    /// Special tokens and the BOS/EOS rules come from tokenizer_config.json, special_tokens_map.json and config.json.
    /// </summary>
    /// <exception cref="Errors.LreException"><c>TokenizerFilesMissing</c> (none of the files),
    /// <c>TokenizerInvalid</c> (a malformed file, named in the message), <c>TokenizerNotSupported</c>.</exception>
    public static ILreTokenizer Load(string modelFolder)
    {
        ArgumentNullException.ThrowIfNull(modelFolder);
        if (!Directory.Exists(modelFolder)) throw TokenizerErrors.FilesMissing(modelFolder, "the folder does not exist.");
        string P(string name) => Path.Combine(modelFolder, name);
        var settings = TokenizerSettings.FromFolder(modelFolder);
        bool hasSp = File.Exists(P(SentencePieceModelProto.FileName));

        if (File.Exists(P(HfTokenizerJsonReader.FileName)))
        {
            JsonElement root;
            using (var s = File.OpenRead(P(HfTokenizerJsonReader.FileName))) root = TokenizerSettings.Parse(s, HfTokenizerJsonReader.FileName);
            if (!hasSp || HfTokenizerJsonReader.IsByteLevel(root)) return Guard(HfTokenizerJsonReader.FileName, () => HfTokenizerJsonReader.Build(root, settings));
        }
        if (File.Exists(P(Gpt2VocabReader.VocabFile)) && File.Exists(P(Gpt2VocabReader.MergesFile)))
        {
            using var v = File.OpenRead(P(Gpt2VocabReader.VocabFile));
            using var m = File.OpenRead(P(Gpt2VocabReader.MergesFile));
            return Guard(Gpt2VocabReader.MergesFile, () => Gpt2VocabReader.Build(v, m, settings));
        }
        if (hasSp)
        {
            var bytes = File.ReadAllBytes(P(SentencePieceModelProto.FileName));
            return Guard(SentencePieceModelProto.FileName, () => new SentencePieceBpeTokenizer(SentencePieceModelProto.Parse(bytes), settings));
        }
        string detail = File.Exists(P(Gpt2VocabReader.VocabFile)) ? "vocab.json is there but merges.txt is not." : "none of the tokenizer files is there.";
        throw TokenizerErrors.FilesMissing(modelFolder, detail);
    }

    /// <summary>A byte-level BPE tokenizer from an HF <c>tokenizer.json</c> stream; the other streams are the
    /// optional tokenizer_config.json, special_tokens_map.json and config.json.</summary>
    public static ILreTokenizer FromTokenizerJson(Stream tokenizerJson, Stream? tokenizerConfig = null, Stream? specialTokensMap = null, Stream? modelConfig = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizerJson);
        var settings = TokenizerSettings.FromStreams(tokenizerConfig, specialTokensMap, modelConfig);
        var root = TokenizerSettings.Parse(tokenizerJson, HfTokenizerJsonReader.FileName);
        return Guard(HfTokenizerJsonReader.FileName, () => HfTokenizerJsonReader.Build(root, settings));
    }

    /// <summary>A GPT-2 byte-level BPE tokenizer from <c>vocab.json</c> and <c>merges.txt</c> streams.</summary>
    public static ILreTokenizer FromVocabAndMerges(Stream vocabJson, Stream mergesTxt, Stream? tokenizerConfig = null, Stream? specialTokensMap = null, Stream? modelConfig = null)
    {
        ArgumentNullException.ThrowIfNull(vocabJson);
        ArgumentNullException.ThrowIfNull(mergesTxt);
        var settings = TokenizerSettings.FromStreams(tokenizerConfig, specialTokensMap, modelConfig);
        return Guard(Gpt2VocabReader.MergesFile, () => Gpt2VocabReader.Build(vocabJson, mergesTxt, settings));
    }

    /// <summary>A SentencePiece BPE tokenizer from a <c>tokenizer.model</c> stream.</summary>
    public static ILreTokenizer FromSentencePiece(Stream tokenizerModel, Stream? tokenizerConfig = null, Stream? specialTokensMap = null, Stream? modelConfig = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizerModel);
        var settings = TokenizerSettings.FromStreams(tokenizerConfig, specialTokensMap, modelConfig);
        using var ms = new MemoryStream();
        tokenizerModel.CopyTo(ms);
        var bytes = ms.ToArray();
        return Guard(SentencePieceModelProto.FileName, () => new SentencePieceBpeTokenizer(SentencePieceModelProto.Parse(bytes), settings));
    }

    /// <summary>Turns a structural surprise in a file (a JSON value of the wrong kind, …) into TokenizerInvalid.</summary>
    private static T Guard<T>(string file, Func<T> build)
    {
        try { return build(); }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or KeyNotFoundException or JsonException or IndexOutOfRangeException)
        {
            throw TokenizerErrors.Invalid(file, ex.Message, ex);
        }
    }
}
