using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Vinula.Engine.Models;

/// <summary>
/// An MLP discriminator: a flattened image (plus a one-hot label when conditional) → (Linear → LeakyReLU → Dropout)
/// per hidden width → one logit: "how real is it?". Logits, not probabilities: the loss uses BCE with logits.
/// </summary>
public sealed class Discriminator : Module<Tensor, Tensor>
{
    private readonly Sequential body;
    private readonly Linear output;

    public Discriminator(int inputs, IReadOnlyList<int> hidden, int conditions = 0, double dropout = 0.3) : base(nameof(Discriminator))
    {
        var modules = new List<(string, Module<Tensor, Tensor>)>();
        var width = modules.AddHidden(inputs + conditions, hidden, DenseLayer.LeakyRelu(dropout));
        body = Sequential(modules);
        output = Linear(width, 1);
        RegisterComponents();
    }

    /// <summary>The last hidden layer's activations: the feature space in which a VAE/GAN measures reconstruction
    /// (Larsen et al. 2016, §2.2).</summary>
    public Tensor Features(Tensor input) => body.forward(input);

    /// <summary>Logits [B] for images [B, 784] (or images and one-hot labels concatenated).</summary>
    public override Tensor forward(Tensor input) => output.forward(body.forward(input)).squeeze(-1);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            body.Dispose();
            output.Dispose();
        }
        base.Dispose(disposing);
    }
}
