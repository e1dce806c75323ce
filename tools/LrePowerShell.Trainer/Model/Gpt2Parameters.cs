using LrePowerShell.Engine.Modeling;
using TorchSharp;
using Parameter = TorchSharp.Modules.Parameter;
using static TorchSharp.torch;

namespace LrePowerShell.Trainer.Model;

/// <summary>
/// The trainable tensors of a GPT-2 model under their Hugging Face names, wrapped as the engine's
/// <see cref="ModelWeights"/>: training runs the module's own <see cref="Decoder"/>, so the model that is
/// trained is exactly the model that Import-LreModel later runs. Conv1D weights are [in, out], as stored.
/// </summary>
internal sealed class Gpt2Parameters : IDisposable
{
    private readonly List<(string Name, Parameter Value)> _named = new();

    public Gpt2Shape Shape { get; }
    public ModelWeights Weights { get; }
    public IReadOnlyList<(string Name, Parameter Value)> Named => _named;

    /// <summary>GPT-2's initialisation (as nanoGPT): N(0, 0.02) for matrices and embeddings, the residual
    /// projections scaled by 1/√(2·layers), zero biases, unit norms; drawn from <paramref name="generator"/>
    /// in a fixed order, so a seed fixes the start.</summary>
    public Gpt2Parameters(Gpt2Shape shape, Generator generator)
    {
        Shape = shape;
        long d = shape.Hidden, ff = shape.Inner;
        double residualStd = 0.02 / Math.Sqrt(2.0 * shape.Layers);
        Parameter Normal(string name, double std, params long[] size)
        {
            using var init = normal(0, std, size, generator: generator);
            return Add(name, init);
        }
        Parameter Filled(string name, double value, long size)
        {
            using var init = full(size, value);
            return Add(name, init);
        }
        NormWeights Norm(string prefix) => new(Filled(prefix + ".weight", 1, d), Filled(prefix + ".bias", 0, d));
        Linear Conv1D(string prefix, long inF, long outF, double std) =>
            new(Normal(prefix + ".weight", std, inF, outF), Filled(prefix + ".bias", 0, outF), InputMajor: true);

        var wte = Normal("transformer.wte.weight", 0.02, shape.VocabSize, d);
        var wpe = Normal("transformer.wpe.weight", 0.02, shape.Positions, d);
        var layers = new LayerWeights[shape.Layers];
        for (int i = 0; i < layers.Length; i++)
        {
            string p = $"transformer.h.{i}";
            layers[i] = new LayerWeights
            {
                AttnNorm = Norm(p + ".ln_1"),
                Qkv = Conv1D(p + ".attn.c_attn", d, 3 * d, 0.02),
                O = Conv1D(p + ".attn.c_proj", d, d, residualStd),
                MlpNorm = Norm(p + ".ln_2"),
                Up = Conv1D(p + ".mlp.c_fc", d, ff, 0.02),
                Down = Conv1D(p + ".mlp.c_proj", ff, d, residualStd),
            };
        }
        Weights = new ModelWeights
        {
            Embedding = wte,
            PositionEmbedding = wpe,
            Layers = layers,
            FinalNorm = Norm("transformer.ln_f"),
            Head = new Linear(wte, null),
        };
    }

    private Parameter Add(string name, Tensor init)
    {
        var p = new Parameter(init, requires_grad: true);
        _named.Add((name, p));
        return p;
    }

    /// <summary>Matrices and embeddings take weight decay; biases and norm gains do not (GPT-2's rule).</summary>
    public IEnumerable<Parameter> Decayed => _named.Where(p => p.Value.dim() >= 2).Select(p => p.Value);
    public IEnumerable<Parameter> NotDecayed => _named.Where(p => p.Value.dim() < 2).Select(p => p.Value);

    public void Dispose()
    {
        foreach (var (_, p) in _named) p.Dispose();
        _named.Clear();
    }
}
