using LrePowerShell.Engine.Lre;

namespace LrePowerShell.Engine.Tests.Lre;

/// <summary>The split must be the one Python makes: <c>random.seed(s); random.shuffle(list(range(n)))</c>
/// (expected lists printed by CPython 3.11).</summary>
public class PythonRandomTests
{
    [Theory]
    [InlineData(42, 10, new[] { 7, 3, 2, 8, 5, 6, 9, 4, 0, 1 })]
    [InlineData(0, 6, new[] { 4, 2, 1, 0, 5, 3 })]
    [InlineData(123456789012, 5, new[] { 2, 4, 1, 0, 3 })]
    public void Shuffles_like_CPython(long seed, int n, int[] expected)
    {
        var list = Enumerable.Range(0, n).ToList();
        new PythonRandom(seed).Shuffle(list);
        Assert.Equal(expected, list);
    }

    [Fact]
    public void Splits_38_pairs_22_to_16_as_the_seed()
    {
        var samples = Enumerable.Range(0, 38).Select(i => new RelationSample("s" + i, "o")).ToArray();
        var (train, test) = SampleSplit.Shuffled(samples, 42, 0.6, null);
        Assert.Equal(22, train.Count);
        Assert.Equal(16, test.Count);
        Assert.Empty(train.Intersect(test));
    }
}
