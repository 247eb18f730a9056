using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Vinula.Engine.Models;

/// <summary>What each hidden layer of a dense stack is after its Linear: an optional batch norm, an activation named
/// <c>{Activation}{i}</c>, an optional dropout.</summary>
public sealed record DenseLayer(string Activation, Func<Module<Tensor, Tensor>> CreateActivation, double Dropout = 0, bool BatchNorm = false)
{
    /// <summary>Linear → ReLU (→ Dropout): classifiers, autoencoders, the VAE.</summary>
    public static DenseLayer Relu(double dropout = 0, string name = "relu") => new(name, () => ReLU(), dropout);

    /// <summary>Linear (→ BatchNorm) → LeakyReLU(0.2) (→ Dropout): the GAN networks (Radford et al. 2016, §3).</summary>
    public static DenseLayer LeakyRelu(double dropout = 0, bool batchNorm = false) => new("act", () => new LeakyRelu(0.2), dropout, batchNorm);
}

/// <summary>
/// The one builder of the dense layer stacks our models share. Layer names are checkpoint keys and stay what the
/// models always used: <c>fc{i}</c>, <c>bn{i}</c>, the activation's name with <c>i</c>, <c>drop{i}</c>.
/// </summary>
public static class DenseStack
{
    /// <summary>
    /// Appends one hidden layer per width and returns the width of the last one (<paramref name="inputs"/> when there
    /// are none). <paramref name="mirrored"/> walks the widths backwards, each layer keeping its index: a decoder's
    /// <c>fc{i}</c> mirrors the encoder's.
    /// </summary>
    public static int AddHidden(this List<(string, Module<Tensor, Tensor>)> layers, int inputs, IReadOnlyList<int> widths,
        DenseLayer layer, bool mirrored = false)
    {
        var width = inputs;
        for (var k = 0; k < widths.Count; k++)
        {
            var i = mirrored ? widths.Count - 1 - k : k;
            layers.Add(($"fc{i}", Linear(width, widths[i])));
            if (layer.BatchNorm) layers.Add(($"bn{i}", BatchNorm1d(widths[i])));
            layers.Add(($"{layer.Activation}{i}", layer.CreateActivation()));
            if (layer.Dropout > 0) layers.Add(($"drop{i}", new SeededDropout(layer.Dropout)));
            width = widths[i];
        }
        return width;
    }
}
