using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Vinula.Engine.Models;

/// <summary>
/// A LeNet-style classifier for 28×28 digits: per entry of <c>channels</c> a 5×5 convolution (padding 2) →
/// ReLU → 2×2 max-pool, then the flattened map through (Linear → ReLU → Dropout) per hidden width to the
/// logits. Takes flattened images [B, 784] like <see cref="Mlp"/>, so every experiment can swap one for the other.
/// </summary>
public sealed class Cnn : Module<Tensor, Tensor>
{
    private const int Kernel = 5;
    private readonly Sequential features;
    private readonly Sequential classifier;
    private readonly int _side;

    public Cnn(int side, IReadOnlyList<int> channels, IReadOnlyList<int> hidden, int outputs, double dropout = 0) : base(nameof(Cnn))
    {
        _side = side;
        var conv = new List<(string, Module<Tensor, Tensor>)>();
        var (inChannels, size) = (1, side);
        for (var i = 0; i < channels.Count; i++)
        {
            conv.Add(($"conv{i}", Conv2d(inChannels, channels[i], Kernel, padding: Kernel / 2)));
            conv.Add(($"relu{i}", ReLU()));
            conv.Add(($"pool{i}", MaxPool2d(2)));
            (inChannels, size) = (channels[i], size / 2);
        }
        features = Sequential(conv);

        var dense = new List<(string, Module<Tensor, Tensor>)> { ("flatten", Flatten()) };
        var width = dense.AddHidden(inChannels * size * size, hidden, DenseLayer.Relu(dropout, name: "fcrelu"));
        dense.Add(("out", Linear(width, outputs)));
        classifier = Sequential(dense);
        RegisterComponents();
    }

    /// <summary>Weights and biases, without building the model.</summary>
    public static long CountParameters(int side, IReadOnlyList<int> channels, IReadOnlyList<int> hidden, int outputs)
    {
        long total = 0;
        var (inChannels, size) = (1, side);
        foreach (var c in channels)
        {
            total += (long)inChannels * c * Kernel * Kernel + c;
            (inChannels, size) = (c, size / 2);
        }
        return total + Mlp.CountParameters(inChannels * size * size, hidden, outputs);
    }

    public override Tensor forward(Tensor input) =>
        classifier.forward(features.forward(input.view(-1, 1, _side, _side)));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            features.Dispose();
            classifier.Dispose();
        }
        base.Dispose(disposing);
    }
}
