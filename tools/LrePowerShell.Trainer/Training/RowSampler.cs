using LrePowerShell.Engine.Tokenization;
using LrePowerShell.Trainer.Corpus;
using static TorchSharp.torch;

namespace LrePowerShell.Trainer.Training;

/// <summary>
/// Packs generated documents into training rows of <c>length + 1</c> token ids (inputs and the next-token
/// targets shifted by one), documents separated by <c>&lt;|endoftext|&gt;</c> as in GPT-2's training data.
/// Every row starts at a document; half of them with <c>&lt;|endoftext|&gt;</c> first, half without, so the
/// model answers both a bare zero-shot prompt at position 0 and New-LreOperator's few-shot prompts, which
/// start with the EOS text.
/// </summary>
internal sealed class RowSampler(DocumentGenerator documents, ILreTokenizer tokenizer, int endOfText, int length, ulong seed)
{
    private readonly SplitMix64 _rng = new(seed);

    /// <summary>[rows, length + 1] int64 ids.</summary>
    public Tensor NextBatch(int rows)
    {
        var ids = new long[rows * (length + 1)];
        for (int r = 0; r < rows; r++) FillRow(ids.AsSpan(r * (length + 1), length + 1));
        return tensor(ids, new long[] { rows, length + 1 });
    }

    private void FillRow(Span<long> row)
    {
        int n = 0;
        if (_rng.Next(2) == 0) row[n++] = endOfText;
        while (n < row.Length)
        {
            foreach (var piece in tokenizer.Encode(documents.Next()))
            {
                if (n == row.Length) return;
                row[n++] = piece.Id;
            }
            if (n < row.Length) row[n++] = endOfText;
        }
    }
}
