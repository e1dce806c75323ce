using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace LrePowerShell.Engine.Modeling;

/// <summary>
/// A projection of a batch whose rows all hold the same values: the Jacobian's copies of one suffix,
/// which differ only in which row of J their backward pass computes. The forward product is the same
/// for every row, so it is computed once, on row 0, and broadcast; the backward product, which does
/// differ per row, is the full batched dy·W. The forward matmuls were half of a Jacobian's work.
/// </summary>
internal sealed class SharedRowsProjection : SingleTensorFunction<SharedRowsProjection>
{
    public override string Name => nameof(SharedRowsProjection);

    public static Tensor Apply(Linear linear, Tensor x) => apply(x, linear);

    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var (x, linear) = ((Tensor)vars[0], (Linear)vars[1]);
        ctx.save_data(nameof(Linear), linear);
        using var first = linear.Forward(x.narrow(0, 0, 1));
        var shape = first.shape;
        shape[0] = x.shape[0];
        return first.expand(shape);
    }

    public override List<Tensor> backward(AutogradContext ctx, Tensor grad)
    {
        var linear = (Linear)ctx.get_data(nameof(Linear));
        return new() { linear.InputGradient(grad), null! };
    }
}
