using System.Diagnostics;
using LrePowerShell.Engine.Lre;

namespace LrePowerShell.Engine.Tests.Reliability;

/// <summary>Runs alone: RSS is process-wide, so other test classes running beside it would count.</summary>
[CollectionDefinition(nameof(AloneCollection), DisableParallelization = true)]
public sealed class AloneCollection { }

/// <summary>A long session must not grow: load → operator → faithfulness → dispose, 50 times.</summary>
[Collection(nameof(AloneCollection))]
public class LongSessionTests
{
    private readonly ITestOutputHelper _out;

    public LongSessionTests(ITestOutputHelper output) => _out = output;

    private static long Rss()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var p = Process.GetCurrentProcess();
        p.Refresh();
        return p.WorkingSet64;
    }

    [SharedFact]
    public void Fifty_cycles_keep_memory_flat()
    {
        var relation = new Relation("city", new[] { "The city of {} is located in the country of" }, new[]
        {
            new RelationSample("Paris", "France"), new RelationSample("Berlin", "Germany"), new RelationSample("Rome", "Italy"),
            new RelationSample("Madrid", "Spain"), new RelationSample("Tokyo", "Japan"), new RelationSample("Lima", "Peru"),
        });
        void Cycle()
        {
            using var model = LanguageModel.Load(SharedData.Fixture("llama"));
            var op = OperatorEstimator.Estimate(model, new OperatorRequest { Relation = relation, Layer = 1, TrainCount = 4 });
            Assert.Equal(2, LreEvaluation.Faithfulness(model, op).Count);
            model.Predict(new[] { "The capital of France is" }, 3);
        }
        for (int i = 0; i < 5; i++) Cycle();       // warm-up: allocator pools and JIT settle
        long before = Rss();
        for (int i = 0; i < 50; i++) Cycle();
        long after = Rss();
        double growth = (double)(after - before) / before;
        _out.WriteLine($"RSS {before / 1048576.0:F1} MiB -> {after / 1048576.0:F1} MiB over 50 cycles ({growth:P1})");
        Assert.True(growth < 0.10, $"RSS grew {growth:P1} over 50 load/operator/test/dispose cycles");
    }
}
