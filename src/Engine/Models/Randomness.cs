using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Vinula.Engine.Models;

/// <summary>
/// Draws a model's random numbers from a generator it is given, never from the process-wide one (which runs
/// training at once share): its initial weights (<see cref="Initialise"/>) and its dropout masks
/// (<see cref="DrawDropoutFrom"/>).
/// </summary>
public static class Randomness
{
    private static readonly double Sqrt5 = Math.Sqrt(5);

    /// <summary>
    /// Re-initialises every Linear, Conv2d and ConvTranspose2d layer with PyTorch's default initialisation
    /// (torch.nn.Linear/_ConvNd.reset_parameters), drawn from <paramref name="random"/>: the weight from
    /// kaiming_uniform_(a = √5), i.e. U(−b, b) with b = √3·gain/√fan_in and gain = √(2/(1 + a²)) (He et al. 2015,
    /// §2.2), which is 1/√fan_in; the bias from U(−1/√fan_in, 1/√fan_in); fan_in = weight.size(1) × kernel area.
    /// Same formulas and draw order as the constructors, so a generator seeded like the old global one gives the
    /// same weights. Batch norm starts at γ = 1, β = 0 and draws nothing.
    /// </summary>
    public static T Initialise<T>(this T model, torch.Generator random) where T : nn.Module
    {
        using var _ = no_grad();
        foreach (var module in DepthFirst(model))
        {
            if (module is not (Linear or Conv2d or ConvTranspose2d)) continue;
            var parameters = module.named_parameters(recurse: false).ToDictionary(p => p.name, p => p.parameter);
            var weight = parameters["weight"];
            var fanIn = weight.shape[1] * weight.shape.Skip(2).Aggregate(1L, (a, b) => a * b);
            var gain = Math.Sqrt(2.0 / (1 + Math.Pow(Sqrt5, 2)));
            var bound = Math.Sqrt(3.0) * (gain / Math.Sqrt(fanIn));
            weight.uniform_(-bound, bound, random);
            if (parameters.TryGetValue("bias", out var bias))
            {
                var biasBound = fanIn > 0 ? 1 / Math.Sqrt(fanIn) : 0;
                bias.uniform_(-biasBound, biasBound, random);
            }
        }
        return model;
    }

    /// <summary>The module and its descendants, depth first in registration order: the order our constructors build
    /// layers in (<c>modules()</c> lists children before grandchildren, which is not).</summary>
    private static IEnumerable<nn.Module> DepthFirst(nn.Module module)
    {
        yield return module;
        foreach (var (_, child) in module.named_children())
            foreach (var descendant in DepthFirst(child))
                yield return descendant;
    }

    /// <summary>Every <see cref="SeededDropout"/> of the model draws its masks from <paramref name="random"/>
    /// (null: back to the process-wide generator, for a model no longer trained by its phase).</summary>
    public static T DrawDropoutFrom<T>(this T model, torch.Generator? random) where T : nn.Module
    {
        foreach (var module in DepthFirst(model))
            if (module is SeededDropout dropout)
                dropout.Random = random;
        return model;
    }
}

/// <summary>
/// Dropout (Srivastava et al. 2014) whose mask comes from a generator the training phase gives it. Computes what
/// ATen's CPU dropout computes (aten/src/ATen/native/Dropout.cpp, _dropout_impl): noise ~ Bernoulli(1 − p),
/// divided by 1 − p, times the input. No parameters: checkpoint keys are those of the layers around it.
/// </summary>
public sealed class SeededDropout(double p) : nn.Module<Tensor, Tensor>(nameof(SeededDropout))
{
    /// <summary>Where masks come from; null draws from the process-wide generator (ad-hoc use outside a run).</summary>
    public torch.Generator? Random { get; set; }

    public double P => p;

    public override Tensor forward(Tensor input)
    {
        // An alias, not the input itself: Sequential disposes what a layer returns once the next layer is done.
        if (!training || p == 0) return input.alias();
        if (p >= 1) return zeros_like(input);
        using var noise = empty_like(input).bernoulli_(1 - p, Random);
        noise.div_(_keep);
        GC.KeepAlive(_keep);
        return input.mul(noise);
    }

    /// <summary>1 − p, one Scalar the module holds: an implicit one made per call is left to the finalizer, which can
    /// free it during the native call (see <see cref="LeakyRelu"/>).</summary>
    private readonly Scalar _keep = (1 - p).ToScalar();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _keep.Dispose();
        base.Dispose(disposing);
    }
}
