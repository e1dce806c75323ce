using LrePowerShell.Engine.Errors;
using LrePowerShell.Engine.Lre;

namespace LrePowerShell.Engine.Tests.Reliability;

/// <summary>Arguments the cmdlets' own validation stops before the engine: the engine refuses them too.</summary>
public class EngineArgumentTests
{
    private static string Id(Action a) => Assert.Throws<LreException>(a).ErrorId;

    [SharedFact]
    public void Bad_arguments_have_stable_ids()
    {
        Assert.Equal("DTypeUnsupported", Id(() => LanguageModel.Load(SharedData.Fixture("llama"), new LoadOptions("int8"))));
        using var m = LanguageModel.Load(SharedData.Fixture("llama"));
        Assert.Equal("TopOutOfRange", Id(() => m.Predict(new[] { "Hello" }, 0)));
        Assert.Equal("MaxNewTokensOutOfRange", Id(() => m.Generate("Hello", -1)));
        var relation = new Relation("r", new[] { "{} is" }, new[] { new RelationSample("a", "b"), new RelationSample("c", "d"), new RelationSample("e", "f") });
        Assert.Equal("FewShotOutOfRange", Id(() => OperatorEstimator.Estimate(m, new OperatorRequest { Relation = relation, Layer = 0, FewShot = -1, TrainCount = 2 })));
    }
}
