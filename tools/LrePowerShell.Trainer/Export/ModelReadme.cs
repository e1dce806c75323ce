using System.Text;
using LrePowerShell.Engine;
using LrePowerShell.Trainer.Evaluation;
using LrePowerShell.Trainer.Tokenizer;
using LrePowerShell.Trainer.Training;

namespace LrePowerShell.Trainer.Export;

/// <summary>The model folder's README.md, written by the run that made the model so that its numbers are that run's.</summary>
internal static class ModelReadme
{
    public static void Write(TrainerOptions options, LanguageModel model, ByteLevelBpe bpe, TrainingSettings s,
        TrainingResult result, IReadOnlyList<RelationAccuracy> accuracy)
    {
        var spec = model.Spec;
        double megabytes = new FileInfo(Path.Combine(options.OutputFolder, "model.safetensors")).Length / 1e6;
        var md = new StringBuilder();
        md.Append($"""
            # {DefaultModelRecipe.Name}

            A **toy**: a tiny GPT-2-architecture model trained by this repository, for demonstration only, on
            sentences generated from the relations in `data/` (`data_sample.json` and `relations/*.json`). It knows
            those pairs and little else. It lets the README's commands run offline in seconds; for real work use a
            real model (`Import-LreModel gpt2-xl`).

            | | |
            | --- | --- |
            | architecture | GPT-2 (`model_type` gpt2): {spec.LayerCount} blocks, hidden size {spec.HiddenSize}, {spec.HeadCount} heads, {spec.MaxPositions} positions, head tied to the embedding |
            | parameters | {model.ParameterCount:N0}; `model.safetensors` in float16, {megabytes:F1} MB |
            | tokenizer | byte-level BPE (GPT-2's byte alphabet and pre-tokenizer regex), {bpe.VocabSize} tokens, trained on {DefaultModelRecipe.TokenizerDocuments:N0} corpus documents; `<|endoftext|>` is bos, eos and unk; no BOS is added |
            | corpus | generated from `data/` with the seed: each relation's templates plus the trainer's own phrasings (`tools/LrePowerShell.Trainer/Corpus/Phrasings.cs`), distractor and filler sentences, few-shot blocks (`template(s) o` lines, as New-LreOperator writes its prompts) and mixed-relation lines, packed into rows of {s.SequenceLength} tokens separated by `<|endoftext|>` |
            | training | {result.Steps} steps of {s.BatchSize} × {s.SequenceLength} tokens ({result.Tokens:N0} tokens), next-token cross-entropy through the module's own decoder, AdamW (β 0.9/0.95, weight decay {s.WeightDecay}), learning rate {s.LearningRate} with {s.WarmupSteps} warm-up steps and a cosine to {s.MinLearningRate}, gradient clip {s.GradientClip}; seed {options.Seed}, threads {options.Threads}; {result.Elapsed.TotalSeconds:F0} s on {Environment.ProcessorCount} CPU cores |
            | final loss | {result.FinalLoss:F4} (mean of the last 20 steps) |

            ## Greedy accuracy

            The model's own top-1 next token after `template.format(subject)` (the relation's first template),
            counted right when, stripped and lower-cased, the object starts with it. Few-shot prompts put
            {GreedyAccuracy.Shots} other pairs of the relation first (`<|endoftext|>template(s) o` lines).

            | relation | pairs | zero-shot | few-shot |
            | --- | --- | --- | --- |

            """);
        foreach (var a in accuracy)
            md.Append($"| `{a.Relation}` | {a.Total} | {a.ZeroShot}/{a.Total} | {a.FewShot}/{a.Total} |\n");
        md.Append("""

            ## Regenerating it

            ```bash
            dotnet pwsh ./build.ps1 -Task TrainDefaultModel
            ```

            runs `tools/LrePowerShell.Trainer` (`--data data --output data/models/lre-tiny --seed 42 --threads 2`) and
            rewrites this folder, this file included. The tokenizer depends only on `data/` and the seed. The weights
            are the same bit for bit for the same seed and thread count on the same libtorch build and CPU; another
            thread count or CPU sums in another order, so they differ within rounding, and the answers above should not.

            """);
        File.WriteAllText(Path.Combine(options.OutputFolder, "README.md"), md.ToString());
    }
}
