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

    /// <summary>Units whose activations a training step keeps per example (input, hidden layers, conv maps, logits).</summary>
    public static long ActivationUnits(ClassifierConfig config)
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
        return units;
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
