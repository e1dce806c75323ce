namespace LrePowerShell.Engine.Tests.Modeling;

/// <summary>How prompts are grouped into padded forward passes: in order, within the row and token bounds.</summary>
public class BatchingTests
{
    private static int[][] Groups(params int[] lengths) =>
        ModelOperations.Batches(lengths).Select(r => lengths[r]).ToArray();

    [Fact]
    public void A_relation_of_short_prompts_is_one_batch() =>
        Assert.Single(Groups(Enumerable.Repeat(7, 38).ToArray()));

    [Fact]
    public void Rows_are_capped() =>
        Assert.Equal(new[] { ModelOperations.MaxBatchRows, 6 }, Groups(Enumerable.Repeat(3, ModelOperations.MaxBatchRows + 6).ToArray()).Select(g => g.Length));

    [Fact]
    public void Padded_positions_are_capped_and_order_is_kept()
    {
        int half = ModelOperations.MaxBatchTokens / 2;
        var groups = Groups(10, half, 10, half + 1, 5, ModelOperations.MaxBatchTokens * 2);
        Assert.Equal(new[] { 10, half, 10, half + 1, 5, ModelOperations.MaxBatchTokens * 2 }, groups.SelectMany(g => g));
        Assert.All(groups, g => Assert.True(g.Length == 1 || g.Length * g.Max() <= ModelOperations.MaxBatchTokens));
        Assert.Equal(new[] { 10, half }, groups[0]);                          // 2 × half fits, a third row would not
        Assert.Equal(new[] { ModelOperations.MaxBatchTokens * 2 }, groups[^1]); // longer than the budget: alone
    }
}
