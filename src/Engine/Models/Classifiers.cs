using Vinula.Engine.Data;
using Vinula.Shared.Experiments;
using static TorchSharp.torch;

namespace Vinula.Engine.Models;

/// <summary>Builds the MNIST classifier a config describes, and counts its parameters without building it.</summary>
public static class Classifiers
{
    public static nn.Module<Tensor, Tensor> Create(ClassifierConfig config) => config.Model switch
    {
        ClassifierModel.Cnn => new Cnn(MnistData.Side, config.Channels, config.Hidden, MnistData.Classes, config.Dropout),
        _ => new Mlp(MnistData.Pixels, config.Hidden, MnistData.Classes, config.Dropout),
    };

    public static long CountParameters(ClassifierConfig config) => config.Model switch
    {
        ClassifierModel.Cnn => Cnn.CountParameters(MnistData.Side, config.Channels, config.Hidden, MnistData.Classes),
        _ => Mlp.CountParameters(MnistData.Pixels, config.Hidden, MnistData.Classes),
    };

    /// <summary>
    /// Rough bytes one training step needs (float32): weights, gradients and Adam's two moments (4 × parameters),
    /// plus activations kept for the backward pass (about 3 values per unit per example: output, gradient,
    /// dropout mask or pre-activation). Good to a factor of ~2: enough to refuse what cannot fit.
    /// </summary>
    public static long EstimateTrainingBytes(ClassifierConfig config, int batchSize)
    {
        long units = config.Hidden.Sum(h => (long)h) + MnistData.Pixels + MnistData.Classes;
        if (config.Model == ClassifierModel.Cnn)
        {
            var side = MnistData.Side;
            foreach (var c in config.Channels)
            {
                units += 2L * c * side * side; // convolution output and ReLU, before pooling
                side /= 2;
            }
        }
        return 4 * 4 * CountParameters(config) + 4 * 3 * units * batchSize;
    }

    /// <summary>"784-800-800-10" or "conv 16-32 · 1568-100-10": how the UI names an architecture.</summary>
    public static string Describe(ClassifierConfig config)
    {
        var dense = string.Join('-', config.Hidden);
        return config.Model == ClassifierModel.Cnn
            ? $"CNN {string.Join('-', config.Channels)}" + (dense.Length > 0 ? $" + {dense}" : "")
            : $"MLP {(dense.Length > 0 ? dense : "linear")}";
    }
}
