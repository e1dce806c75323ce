using LrePowerShell.Engine.Modeling;
using static TorchSharp.torch;

namespace LrePowerShell.Engine.Tests.Modeling;

/// <summary>Projections whose output count is not a multiple of 16 go through an aligned buffer (GPT-2's
/// 50257-token head); the result must be the plain product, usable as any tensor, and differentiable.</summary>
public class LinearTests
{
    [Theory]
    [InlineData(37)]     // odd: the aligned buffer
    [InlineData(48)]     // aligned already: plain linear
    public void The_product_equals_linear_at_every_shape(int outputs)
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var w = randn(outputs, 24);
        var x = randn(2, 5, 24);
        var y = new Linear(w, null).Forward(x);
        Assert.Equal(new long[] { 2, 5, outputs }, y.shape);
        Assert.True(y.allclose(nn.functional.linear(x, w), rtol: 1e-6, atol: 1e-6));
        Assert.True(y.select(1, -1).softmax(-1).sum(-1).allclose(ones(2)));     // a strided view reads as any tensor
        Assert.Equal(y.contiguous().flatten().data<float>().ToArray(), y.reshape(-1).data<float>().ToArray());
    }

    [Fact]
    public void Gradients_flow_through_the_aligned_buffer()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        var w = randn(37, 24);
        var x = randn(3, 24).requires_grad_(true);
        new Linear(w, null).Forward(x).pow(2).sum().backward();
        var expected = x.detach().matmul(w.t()).mul(2).matmul(w);
        Assert.True(x.grad!.allclose(expected, rtol: 1e-5, atol: 1e-5));
    }
}
