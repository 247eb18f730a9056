using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Vinula.Engine.Losses;

/// <summary>
/// The VAE objective (Kingma &amp; Welling 2014, §2.3 and appendix B): −ELBO = E_q[−log p(x|z)] + KL(q(z|x) ‖ N(0, I)),
/// with a Bernoulli likelihood on the [0, 1] pixels (binary cross-entropy summed over the 784 pixels) and the
/// KL of a diagonal Gaussian in closed form.
/// </summary>
public static class VaeLoss
{
    /// <summary>Per-example parts, batch means: <c>Loss</c> = recon + β·KL carries the gradient; the ELBO is
    /// −(recon + KL) whatever β is.</summary>
    public readonly record struct Parts(Tensor Loss, Tensor Reconstruction, Tensor Kl)
    {
        public Tensor Elbo => -(Reconstruction + Kl);
    }

    public static Parts Compute(Tensor logits, Tensor x, Tensor mu, Tensor logVar, double beta)
    {
        var reconstruction = F.binary_cross_entropy_with_logits(logits, x, reduction: nn.Reduction.None).sum(-1).mean();
        var kl = KlToStandardNormal(mu, logVar).sum(-1).mean();
        return new Parts(reconstruction + kl * beta, reconstruction, kl);
    }

    /// <summary>KL(N(μ, σ²) ‖ N(0, 1)) per dimension = −½ (1 + log σ² − μ² − σ²) (Kingma &amp; Welling 2014, appendix B).</summary>
    public static Tensor KlToStandardNormal(Tensor mu, Tensor logVar) =>
        (logVar + 1 - mu.pow(2) - logVar.exp()) * -0.5;

    /// <summary>KL(N(μ₁, σ₁²) ‖ N(μ₂, σ₂²)) per dimension = log(σ₂/σ₁) + (σ₁² + (μ₁ − μ₂)²)/(2σ₂²) − ½.</summary>
    public static Tensor KlDiagonal(Tensor mu1, Tensor logVar1, Tensor mu2, Tensor logVar2) =>
        (logVar2 - logVar1) * 0.5 + (logVar1.exp() + (mu1 - mu2).pow(2)) / (logVar2.exp() * 2) - 0.5;

    /// <summary>The reparameterisation trick: z = μ + σ·ε with ε ~ N(0, I), so gradients reach μ and log σ². ε comes
    /// from <paramref name="random"/>, the run's generator (on μ's device).</summary>
    public static Tensor Sample(Tensor mu, Tensor logVar, TorchSharp.torch.Generator random) =>
        mu + (logVar * 0.5).exp() * randn(mu.shape, mu.dtype, mu.device, generator: random);
}
