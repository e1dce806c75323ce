using static TorchSharp.torch;

namespace LrePowerShell.Bench;

/// <summary>What every workload shares: the mode, the PyTorch side, the table, and the side-by-side runner.</summary>
public sealed class BenchRun
{
    public required bool Short { get; init; }
    public required string WorkDir { get; init; }
    public required TorchSide Torch { get; init; }
    public required ResultTable Table { get; init; }
    public required int Threads { get; init; }
    /// <summary>The model workloads 1–4 and 6 run on: GPT-2-small's shape, or a tiny one in short mode.</summary>
    public required Gpt2Shape Shape { get; init; }
    /// <summary>Repetitions of a workload (its median is reported); one in short mode.</summary>
    public int Reps(int full) => Short ? 1 : full;
    public double MachineGflops { get; set; }

    /// <summary>Warms each side up once (unless <paramref name="warmUp"/> is false or in short mode), then
    /// alternates their repetitions. A failure on the PyTorch side (shown in the table) leaves ours measured.</summary>
    public (Timing Ours, Timing? Torch, string Skip) SideBySide(Func<Measured> ours, Func<Measured>? torch, int reps, bool warmUp = true)
    {
        string skip = !Torch.Available ? "skipped (no PyTorch, see above)" : torch is null ? "—" : "";
        bool torchOn = Torch.Available && torch is not null;
        var o = new List<Measured>(); var t = new List<Measured>();
        for (int i = Short || !warmUp ? 0 : -1; i < reps; i++)       // i = -1: the warm-up, not recorded
        {
            var m = ours();
            if (i >= 0) o.Add(m);
            if (!torchOn) continue;
            try
            {
                var n = torch!();
                if (i >= 0) t.Add(n);
            }
            catch (TorchSideException e) { skip = "failed: " + e.Message; torchOn = false; }
        }
        return (Timing.Of(o), t.Count > 0 ? Timing.Of(t) : null, skip);
    }

    /// <summary>Times <paramref name="work"/> inside a dispose scope, so its tensors are freed before the next repetition.</summary>
    public static Measured Ours(Func<double[]> work) => Measured.Time(() =>
    {
        using var scope = NewDisposeScope();
        return work();
    });
}
