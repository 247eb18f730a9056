namespace Vinula.Shared.Experiments;

/// <summary>A variational autoencoder on MNIST (Kingma &amp; Welling 2014). With a 2-D latent the decoder's
/// manifold is drawn every epoch.</summary>
public abstract class VaeConfigBase : ExperimentConfig
{
    /// <summary>Measured on 2 cores: ~15 s; the manifold is recognisable after a few epochs.</summary>
    protected VaeConfigBase()
    {
        Epochs = 30;
        BatchSize = 64;
        LearningRate = 1e-3;
    }

    public int LatentDim { get; set; } = 2;

    /// <summary>Weight of the KL term in training (β-VAE, Higgins et al. 2017); the reported ELBO always uses 1.</summary>
    public double Beta { get; set; } = 1;

    /// <summary>Hidden widths of the encoder (the decoder mirrors them).</summary>
    public List<int> Hidden { get; set; } = [512];
}

[ExperimentKind(ExperimentKinds.Vae)]
public sealed class VaeConfig : VaeConfigBase;

/// <summary>Encoder and decoder both see the digit's label (Sohn et al. 2015): z keeps only the style, so a
/// digit's z decoded with another label draws that digit in the same hand.</summary>
[ExperimentKind(ExperimentKinds.Cvae)]
public sealed class CvaeConfig : VaeConfigBase;

/// <summary>A VAE whose decoder is also a GAN's generator, with reconstruction measured in the discriminator's
/// feature space (Larsen et al. 2016).</summary>
[ExperimentKind(ExperimentKinds.VaeGan)]
public sealed class VaeGanConfig : VaeConfigBase
{
    public VaeGanConfig()
    {
        LatentDim = 16;
        Epochs = 20;
        LearningRate = 3e-4;
    }

    /// <summary>γ: weight of the feature-space reconstruction against the GAN loss in the decoder's update.</summary>
    public double Gamma { get; set; } = 0.1;
}
