using System.Text.Json.Serialization;

namespace Vinula.Shared.Experiments;

/// <summary>How an autoencoder experiment compresses MNIST.</summary>
public enum AutoencoderModel
{
    /// <summary>Principal components, fitted in closed form: the best linear code of its size (Eckart–Young).</summary>
    [JsonStringEnumMemberName("pca")] Pca,

    /// <summary>Fully connected encoder and decoder.</summary>
    [JsonStringEnumMemberName("dense")] Dense,

    /// <summary>Convolutions down to a 7×7 latent map and transposed convolutions back.</summary>
    [JsonStringEnumMemberName("conv")] Conv,
}

/// <summary>PCA against dense and convolutional autoencoders on MNIST: reconstruction error per latent size.</summary>
[ExperimentKind(ExperimentKinds.Autoencoder)]
public sealed class AutoencoderConfig : ExperimentConfig
{
    /// <summary>A conv latent is a stack of 7×7 maps: its size is a multiple of 49.</summary>
    public const int ConvMapSize = 49;

    public AutoencoderConfig()
    {
        Epochs = 10;
        LearningRate = 2e-3;
    }

    public AutoencoderModel Model { get; set; } = AutoencoderModel.Dense;

    /// <summary>Numbers in the code: principal components, dense latent units, or channels × 49 for conv.</summary>
    public int LatentDim { get; set; } = 16;

    /// <summary>Hidden widths of the dense encoder (the decoder mirrors them).</summary>
    public List<int> Hidden { get; set; } = [256];

    /// <summary>Channels of the conv encoder's first block (28×28 → 14×14); the second block makes the 7×7 latent.</summary>
    public int Channels { get; set; } = 32;
}
