using TorchSharp;
using static TorchSharp.torch;

namespace LrePowerShell.Engine.Lre;

/// <summary>The linear algebra of operators, in fp64 where precision matters (SVD, pseudo-inverses,
/// least squares). Returned tensors belong to the caller's DisposeScope.</summary>
public static class OperatorMath
{
    /// <summary>W as applied: the rank-r SVD truncation when <paramref name="rank"/> &gt; 0.</summary>
    public static Tensor Weight(LinearOperator op, Device device, ScalarType dtype)
    {
        var w = tensor(op.Weight, new long[] { op.Dim, op.Dim });
        if (op.Rank > 0 && op.Rank < op.Dim && !op.Truncated) w = LowRank(w, op.Rank);
        return w.to(dtype, device);
    }

    public static Tensor Bias(LinearOperator op, Device device, ScalarType dtype) => tensor(op.Bias).to(dtype, device);

    /// <summary>The best rank-r approximation U_r S_r V_rᵀ of a square matrix.</summary>
    public static Tensor LowRank(Tensor w, int rank)
    {
        var (u, s, vh) = linalg.svd(w.to(ScalarType.Float64), fullMatrices: false);
        var r = u.narrow(1, 0, rank).matmul(diag(s.narrow(0, 0, rank))).matmul(vh.narrow(0, 0, rank));
        return r.to(w.dtype);
    }

    /// <summary>The rank-r pseudo-inverse V_r S_r⁻¹ U_rᵀ (r = 0: all non-negligible singular values).</summary>
    public static Tensor LowRankPinv(Tensor w, int rank)
    {
        var (u, s, vh) = linalg.svd(w.to(ScalarType.Float64), fullMatrices: false);
        double cutoff = s[0].item<double>() * s.shape[0] * 2.220446049250313e-16;
        int r = rank > 0 ? (int)Math.Min(rank, s.shape[0]) : (int)s.gt(cutoff).sum().item<long>();
        r = Math.Max(r, 1);
        return vh.narrow(0, 0, r).t().matmul(diag(s.narrow(0, 0, r).reciprocal())).matmul(u.narrow(1, 0, r).t());
    }

    /// <summary>Singular values of W, largest first.</summary>
    public static double[] SingularValues(LinearOperator op)
    {
        using var scope = NewDisposeScope();
        return linalg.svdvals(tensor(op.Weight, new long[] { op.Dim, op.Dim }).to(ScalarType.Float64)).data<double>().ToArray();
    }

    /// <summary>
    /// Least squares with an intercept, Y ≈ X·Wᵀ + b over rows, minimum-norm when there are fewer
    /// samples than dimensions (the centred system is then underdetermined): Wᵀ = pinv(Xc)·Yc,
    /// b = mean(Y) − W·mean(X). Computed in fp64.
    /// </summary>
    public static (Tensor W, Tensor B) LeastSquares(Tensor x, Tensor y)
    {
        var xd = x.to(ScalarType.Float64);
        var yd = y.to(ScalarType.Float64);
        var mx = xd.mean(new long[] { 0 });
        var my = yd.mean(new long[] { 0 });
        var w = linalg.pinv(xd - mx).matmul(yd - my).t();
        var b = my - w.matmul(mx);
        return (w, b);
    }
}
