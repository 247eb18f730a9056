namespace Vinula.Shared.Experiments;

/// <summary>A variational autoencoder on MNIST (Kingma &amp; Welling 2014). With a 2-D latent the decoder's
/// manifold is drawn every epoch.</summary>
[ExperimentKind(ExperimentKinds.Vae)]
public sealed class VaeConfig : ExperimentConfig
{
    /// <summary>Measured on 2 cores: ~15 s; the manifold is recognisable after a few epochs.</summary>
    public VaeConfig()
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
