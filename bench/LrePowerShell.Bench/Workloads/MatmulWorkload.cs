using static TorchSharp.torch;

namespace LrePowerShell.Bench.Workloads;

/// <summary>The machine's fp32 matmul rate: 2048² × 2048² products, through our libtorch and PyTorch's
/// OpenBLAS. The higher of the two is "the machine's rate" that the forward pass is compared with.</summary>
public static class MatmulWorkload
{
    public static void Run(BenchRun run)
    {
        const int n = 2048;
        int products = run.Short ? 2 : 10;
        using var a = randn(n, n);
        using var b = randn(n, n);
        var (ours, torch, skip) = run.SideBySide(
            () => Measured.Time(() =>
            {
                for (int i = 0; i < products; i++) a.matmul(b).Dispose();
                return Array.Empty<double>();
            }),
            () => run.Torch.Measure(new { op = "matmul", n, reps = products }),
            run.Reps(3));
        double Rate(Timing t) => 2.0 * n * n * n * products / t.Median / 1e9;
        run.MachineGflops = Math.Max(Rate(ours), torch is null ? 0 : Rate(torch));
        run.Table.Add(new Row($"fp32 matmul {n}² × {n}² (GFLOP/s; ratio of times)",
            $"{Rate(ours):0.0} GFLOP/s", torch is null ? skip : $"{Rate(torch):0.0} GFLOP/s",
            torch is null ? "" : (ours.Median / torch.Median).ToString("0.00", ResultTable.Inv), "—", ""));
    }
}
