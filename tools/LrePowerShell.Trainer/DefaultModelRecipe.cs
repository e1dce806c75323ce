using LrePowerShell.Engine.Architectures;
using LrePowerShell.Engine.Loading;
using LrePowerShell.Engine.Modeling;
using LrePowerShell.Engine.Native;
using LrePowerShell.Engine.Tokenization;
using LrePowerShell.Trainer.Corpus;
using LrePowerShell.Trainer.Export;
using LrePowerShell.Trainer.Model;
using LrePowerShell.Trainer.Tokenizer;
using LrePowerShell.Trainer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LrePowerShell.Trainer;

/// <summary>
/// The embedded model's recipe, every size and setting in one place, and the steps from data/ to a model
/// folder. One seed drives everything: it is split into separate streams for the tokenizer's corpus, the
/// training documents, the row layout and the weight initialisation.
/// </summary>
internal static class DefaultModelRecipe
{
    public const string Name = "lre-tiny";
    /// <summary>Deliberately small (BPE would run on to about 1,550 tokens, every corpus word one token): template and
    /// filler words stay whole, but most subjects split into 2-8 pieces (<c>nurs|ing</c>, <c>c|omp|u|ter| science</c>).
    /// The model must then gather a subject's pieces at its last token before it can look the subject up, as real
    /// models do, so the later positions read the relation from that token's hidden state, where the Jacobian LRE
    /// reads it. With whole-word subjects the model copied the subject's embedding to the next position in block 0
    /// and never read the subject's hidden state again: the Jacobian at every layer was near zero (37.5% faithful).</summary>
    public const int TargetVocabSize = 800;
    /// <summary>Documents the tokenizer is trained on (a fresh draw of the same generator as training).</summary>
    public const int TokenizerDocuments = 20_000;
    public const int Positions = 256;

    public static Gpt2Shape Shape(int vocabSize) => new(vocabSize, Positions, Hidden: 128, Layers: 4, Heads: 4);

    public static readonly TrainingSettings Training = new(
        Steps: 600, BatchSize: 16, SequenceLength: Positions,
        LearningRate: 3e-3, MinLearningRate: 3e-4, WarmupSteps: 50,
        WeightDecay: 0.1, GradientClip: 1.0);

    internal sealed record Seeds(ulong TokenizerCorpus, ulong TrainingCorpus, ulong Rows, long Weights)
    {
        public static Seeds From(ulong seed)
        {
            var master = new SplitMix64(seed);
            return new Seeds(master.NextUInt64(), master.NextUInt64(), master.NextUInt64(), (long)(master.NextUInt64() >> 1));
        }
    }

    public static ByteLevelBpe TrainTokenizer(IReadOnlyList<Relation> relations, ulong seed)
    {
        var documents = new DocumentGenerator(relations, Seeds.From(seed).TokenizerCorpus);
        return ByteLevelBpeTrainer.Train(Enumerable.Range(0, TokenizerDocuments).Select(_ => documents.Next()), TargetVocabSize);
    }

    /// <summary>Writes config.json, initialises the weights and trains them; the caller exports and disposes them.
    /// The decoder's spec is read back from the written config.json by the engine's own GPT-2 reader, so the
    /// trained model and the loaded one cannot disagree.</summary>
    public static (Gpt2Parameters Parameters, TrainingResult Result) TrainModel(
        string folder, IReadOnlyList<Relation> relations, ByteLevelBpe bpe, ulong seed, Gpt2Shape shape, TrainingSettings settings,
        Action<int, double, double> report)
    {
        TorchRuntime.EnsureLoaded();
        var seeds = Seeds.From(seed);
        ModelFolder.WriteConfig(folder, shape);
        var spec = new Gpt2Architecture().ReadSpec(ConfigJson.Load(folder));
        var tokenizer = TokenizerLoader.Load(folder);

        // The initialisation draws from its own generator; the global one is seeded too, for any op that uses it.
        torch.manual_seed(seeds.Weights);
        using var generator = new Generator((ulong)seeds.Weights);
        var parameters = new Gpt2Parameters(shape, generator);
        try
        {
            var rows = new RowSampler(new DocumentGenerator(relations, seeds.TrainingCorpus), tokenizer, bpe.EndOfTextId, settings.SequenceLength, seeds.Rows);
            var result = TrainingLoop.Run(parameters, new Decoder(spec, parameters.Weights), rows, settings, report);
            return (parameters, result);
        }
        catch
        {
            parameters.Dispose();
            throw;
        }
    }
}
