using System.Text.Json;
using LrePowerShell.Engine;
using LrePowerShell.Engine.Native;
using TorchSharp;

namespace LrePowerShell.Bench.Workloads;

/// <summary>
/// The no-leak target: workload 4 (estimate + faithfulness) repeated on the embedded default model
/// (data/models/lre-tiny, which knows the seed relation) in a fresh process;
/// the RSS after the last repetition against the RSS after the first. Each sample follows a full GC, so
/// it counts what is kept, not garbage the GC has not yet got to; TorchSharp's count of live tensors
/// shows separately whether every tensor was disposed deterministically (a finalizer-freed tensor would
/// raise it between collections).
/// </summary>
public static class LeakWorkload
{
    public static void Run(BenchRun run, string repo)
    {
        string folder = Path.Combine(repo, "data", "models", "lre-tiny");
        const string name = "the embedded lre-tiny";
        int reps = run.Short ? 3 : 100;
        var r = JsonSerializer.Deserialize<LeakProbe>(ChildProbe.Self(new[] { "--probe-leak", folder, reps.ToString() }, run.Threads).ToJsonString())!;
        double growth = 100.0 * (r.Rss[^1] - r.Rss[0]) / r.Rss[0];
        double worst = 100.0 * (r.Rss.Max() - r.Rss[0]) / r.Rss[0];
        run.Table.Add(new Row($"memory: {reps} × workload 4 on {name}, RSS after the last vs after the first",
            $"{ResultTable.Gb(r.Rss[0])} → {ResultTable.Gb(r.Rss[^1])} ({growth:+0.0;-0.0} %, at most {worst:+0.0;-0.0} %); live tensors {r.LiveTensors[0]} → {r.LiveTensors[^1]}",
            "—", "", "< +10 %", ""));
    }

    public sealed record LeakProbe(long[] Rss, long[] LiveTensors, double SecondsPerRep);

    public static void Probe(string folder, int reps)
    {
        TorchRuntime.EnsureLoaded();
        using var model = LanguageModel.Load(folder);
        var request = OperatorWorkload.Request(SeedRelation.Load(), model.Spec.LayerCount / 2);
        var rss = new List<long>();
        var live = new List<long>();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < reps; i++)
        {
            OperatorWorkload.EstimateAndTest(model, request);
            live.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            rss.Add(ProcessMemory.Rss);
        }
        Console.WriteLine(JsonSerializer.Serialize(new LeakProbe(rss.ToArray(), live.ToArray(), sw.Elapsed.TotalSeconds / reps)));
    }
}
