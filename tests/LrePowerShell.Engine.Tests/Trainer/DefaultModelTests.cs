using LrePowerShell.Engine.Tokenization;
using LrePowerShell.Trainer;
using LrePowerShell.Trainer.Corpus;
using LrePowerShell.Trainer.Model;
using LrePowerShell.Trainer.Tokenizer;
using LrePowerShell.Trainer.Training;
using static TorchSharp.torch;

namespace LrePowerShell.Engine.Tests.Trainer;

/// <summary>The committed demonstration model's tokenizer is what the trainer makes from data/ with the
/// default seed, it loads through the engine, and the training loop is deterministic. (Training the whole
/// model takes minutes: build.ps1 -Task TrainDefaultModel does that, and the Pester suite checks its answers.)</summary>
public sealed class DefaultModelTests : IDisposable
{
    private static readonly string Repository = FindRepository();
    private static readonly string Data = Path.Combine(Repository, "data");
    private static readonly string Committed = Path.Combine(Data, "models", DefaultModelRecipe.Name);
    private static readonly Lazy<ByteLevelBpe> Regenerated = new(() => DefaultModelRecipe.TrainTokenizer(Relation.LoadAll(Data), 42));
    private readonly string _scratch = Directory.CreateTempSubdirectory("lre-trainer-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Theory]
    [InlineData("vocab.json")]
    [InlineData("merges.txt")]
    [InlineData("tokenizer_config.json")]
    public void Regenerating_the_tokenizer_with_the_default_seed_gives_the_committed_files(string file)
    {
        TokenizerFiles.Write(_scratch, Regenerated.Value, DefaultModelRecipe.Positions);
        Assert.Equal(File.ReadAllText(Path.Combine(Committed, file)), File.ReadAllText(Path.Combine(_scratch, file)));
    }

    [Fact]
    public void The_committed_tokenizer_loads_round_trips_every_line_of_data_and_keeps_subjects_short()
    {
        var tokenizer = TokenizerLoader.Load(Committed);
        Assert.False(tokenizer.AddsBos);
        Assert.Equal("<|endoftext|>", tokenizer.EosToken);
        Assert.Equal(tokenizer.Size - 1, tokenizer.EosTokenId);
        foreach (var relation in Relation.LoadAll(Data))
            foreach (var s in relation.Samples)
            {
                string prompt = Relation.Prompt(relation.Template, s.Subject), text = prompt + " " + s.Object;
                Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text).Select(t => t.Id).ToArray()));
                // 1-8 tokens per subject in its prompt: the small vocabulary splits subjects on purpose (see
                // DefaultModelRecipe.TargetVocabSize), but not so finely that few-shot prompts outgrow 256 positions
                int start = prompt.LastIndexOf(s.Subject, StringComparison.Ordinal), end = start + s.Subject.Length;
                Assert.InRange(tokenizer.Encode(prompt).Count(t => t.Start < end && t.End > start), 1, 8);
            }
    }

    [Fact]
    public void Training_steps_are_deterministic_for_a_seed()
    {
        var relations = Relation.LoadAll(Data);
        var bpe = ByteLevelBpeTrainer.Train(relations.SelectMany(r => r.Samples).Select(s => s.Subject + " " + s.Object), 300);
        TokenizerFiles.Write(_scratch, bpe, 32);
        var shape = new Gpt2Shape(bpe.VocabSize, Positions: 32, Hidden: 16, Layers: 1, Heads: 2);
        var settings = DefaultModelRecipe.Training with { Steps = 3, BatchSize = 2, SequenceLength = 32, WarmupSteps = 1 };

        float[] Run(ulong seed)
        {
            var (parameters, _) = DefaultModelRecipe.TrainModel(_scratch, relations, bpe, seed, shape, settings, (_, _, _) => { });
            using (parameters)
            {
                using var scope = NewDisposeScope();
                return cat(parameters.Named.Select(p => p.Value.detach().flatten()).ToArray()).data<float>().ToArray();
            }
        }
        var first = Run(7);
        Assert.Equal(first, Run(7));
        Assert.NotEqual(first, Run(8));
    }

    private static string FindRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "LrePowerShell.sln"))) return dir.FullName;
        throw new InvalidOperationException("The tests run from inside the repository: no LrePowerShell.sln above " + AppContext.BaseDirectory);
    }
}
