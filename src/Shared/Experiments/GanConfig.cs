namespace Vinula.Shared.Experiments;

/// <summary>The networks of a GAN.</summary>
public enum GanArchitecture
{
    /// <summary>Fully connected generator and discriminator (<c>hidden</c> widths).</summary>
    Mlp,

    /// <summary>Small DCGAN networks: transposed convolutions in G, strided convolutions in D (Radford et al. 2016).</summary>
    Conv,
}

/// <summary>A GAN on MNIST: generator and discriminator, trained adversarially (Goodfellow et al. 2014).</summary>
public abstract class GanConfigBase : ExperimentConfig
{
    public GanArchitecture Architecture { get; set; } = GanArchitecture.Mlp;

    /// <summary>Measured on 2 cores: ~1 s an epoch for the default MLPs on 7,000 digits.</summary>
    protected GanConfigBase()
    {
        Epochs = 60;
        BatchSize = 64;
        LearningRate = 2e-4;
    }

    /// <summary>Size of the noise z the generator maps to an image.</summary>
    public int LatentDim { get; set; } = 64;

    /// <summary>Discriminator updates per generator update.</summary>
    public int DiscriminatorSteps { get; set; } = 1;

    /// <summary>Hidden widths of the generator (z → … → 784); the discriminator mirrors them (784 → … → 1).</summary>
    public List<int> Hidden { get; set; } = [256, 512];
}

[ExperimentKind(ExperimentKinds.Gan)]
public sealed class GanConfig : GanConfigBase;

/// <summary>Generator and discriminator both see the digit's label (Mirza &amp; Osindero 2014): the generator draws
/// the digit it is asked for.</summary>
[ExperimentKind(ExperimentKinds.Cgan)]
public sealed class CganConfig : GanConfigBase;
