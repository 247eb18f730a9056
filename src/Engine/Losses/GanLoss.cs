using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Vinula.Engine.Losses;

/// <summary>
/// The GAN losses of Goodfellow et al. 2014 with the non-saturating generator loss (§3): D minimises
/// BCE(D(x), 1) + BCE(D(G(z)), 0); G minimises BCE(D(G(z)), 1) = −log D(G(z)), which has strong gradients early on.
/// </summary>
public static class GanLoss
{
    /// <summary>The discriminator's loss on real and (detached) fake logits, batch means. <paramref name="realTarget"/>
    /// below 1 is one-sided label smoothing (Salimans et al. 2016, §3.4): D is never rewarded for certainty.</summary>
    public static Tensor Discriminator(Tensor realLogits, Tensor fakeLogits, double realTarget = 1) =>
        F.binary_cross_entropy_with_logits(realLogits, full_like(realLogits, realTarget))
        + F.binary_cross_entropy_with_logits(fakeLogits, zeros_like(fakeLogits));

    /// <summary>The generator's non-saturating loss −log D(G(z)), batch mean.</summary>
    public static Tensor Generator(Tensor fakeLogits) =>
        F.binary_cross_entropy_with_logits(fakeLogits, ones_like(fakeLogits));
}
