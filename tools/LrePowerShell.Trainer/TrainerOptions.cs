namespace LrePowerShell.Trainer;

/// <summary>The command line: where data/ is, where the model folder goes, the seed, and two knobs that do not
/// change the recipe: the thread count (fixed, for reproducibility) and a shorter run for smoke tests.</summary>
internal sealed record TrainerOptions(string DataFolder, string OutputFolder, ulong Seed, int Threads, int? Steps)
{
    public const string Usage =
        "usage: LrePowerShell.Trainer --data <data folder> --output <model folder> [--seed 42] [--threads 2] [--steps N]";

    public static TrainerOptions Parse(string[] args)
    {
        string? data = null, output = null;
        ulong seed = 42;
        int threads = 2;
        int? steps = null;
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.\n{Usage}");
            switch (args[i])
            {
                case "--data": data = Value(); break;
                case "--output": output = Value(); break;
                case "--seed": seed = ulong.Parse(Value()); break;
                case "--threads": threads = int.Parse(Value()); break;
                case "--steps": steps = int.Parse(Value()); break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'.\n{Usage}");
            }
        }
        if (data is null || output is null) throw new ArgumentException(Usage);
        return new TrainerOptions(Path.GetFullPath(data), Path.GetFullPath(output), seed, threads, steps);
    }
}
