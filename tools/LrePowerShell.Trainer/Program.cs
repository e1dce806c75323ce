using System.Diagnostics;
using System.Globalization;
using LrePowerShell.Engine;
using LrePowerShell.Engine.Native;
using LrePowerShell.Trainer;
using LrePowerShell.Trainer.Corpus;
using LrePowerShell.Trainer.Evaluation;
using LrePowerShell.Trainer.Export;
using LrePowerShell.Trainer.Tokenizer;
using TorchSharp;

// Regenerates the embedded demonstration model: build.ps1 -Task TrainDefaultModel runs this.
TrainerOptions options;
try { options = TrainerOptions.Parse(args); }
catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
TorchRuntime.EnsureLoaded();
torch.set_num_threads(options.Threads);
torch.set_num_interop_threads(1);
Directory.CreateDirectory(options.OutputFolder);

var relations = Relation.LoadAll(options.DataFolder);
Console.WriteLine($"relations: {string.Join(", ", relations.Select(r => $"{r.Key} ({r.Samples.Count})"))}");

var bpe = DefaultModelRecipe.TrainTokenizer(relations, options.Seed);
TokenizerFiles.Write(options.OutputFolder, bpe, DefaultModelRecipe.Positions);
Console.WriteLine($"tokenizer: {bpe.VocabSize} tokens ({bpe.Merges.Count} merges)");

var settings = DefaultModelRecipe.Training with { Steps = options.Steps ?? DefaultModelRecipe.Training.Steps };
var clock = Stopwatch.StartNew();
var (parameters, result) = DefaultModelRecipe.TrainModel(
    options.OutputFolder, relations, bpe, options.Seed, DefaultModelRecipe.Shape(bpe.VocabSize), settings, (step, loss, lr) =>
{
    if (step % 25 == 0 || step == settings.Steps - 1) Console.WriteLine($"step {step,4}  loss {loss:F4}  lr {lr:E2}  {clock.Elapsed.TotalSeconds,5:F0}s");
});
using (parameters)
{
    ModelFolder.WriteWeights(options.OutputFolder, parameters, new Dictionary<string, string>
    {
        ["format"] = "pt",
        ["trainer"] = "LrePowerShell.Trainer",
        ["seed"] = options.Seed.ToString(),
        ["steps"] = result.Steps.ToString(),
    });
}
Console.WriteLine($"trained {result.Steps} steps ({result.Tokens:N0} tokens) in {result.Elapsed.TotalSeconds:F0}s; final loss {result.FinalLoss:F4}");

using var model = LanguageModel.Load(options.OutputFolder);
var accuracy = relations.Select(r => GreedyAccuracy.Measure(model, r)).ToList();
foreach (var a in accuracy)
    Console.WriteLine($"{a.Relation,-22} zero-shot {a.ZeroShot,2}/{a.Total}  few-shot {a.FewShot,2}/{a.Total}");
ModelReadme.Write(options, model, bpe, settings, result, accuracy);
return 0;
