using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Vinula.Engine.Models;

/// <summary>
/// Seeded initialisation for the text models' layers that <see cref="Randomness.Initialise"/> does not cover, with
/// PyTorch's default formulas: Embedding ~ N(0, 1); LSTM weights and biases ~ U(−1/√H, 1/√H); Conv1d like Linear
/// (kaiming_uniform_(a = √5): U(±1/√fan_in), fan_in = in_channels × width; bias the same bound).
/// </summary>
public static class TextInitialisation
{
    public static T InitialiseText<T>(this T model, torch.Generator random) where T : nn.Module
    {
        model.Initialise(random);
        using var _ = no_grad();
        foreach (var (_, module) in model.named_modules().OrderBy(m => m.name, StringComparer.Ordinal))
        {
            var parameters = module.named_parameters(recurse: false).OrderBy(p => p.name, StringComparer.Ordinal).ToList();
            switch (module)
            {
                case Embedding:
                    foreach (var (_, p) in parameters) p.normal_(0, 1, random);
                    break;
                case LSTM lstm:
                    var bound = 1 / Math.Sqrt(parameters.First(p => p.name.StartsWith("weight_hh", StringComparison.Ordinal)).parameter.shape[1]);
                    foreach (var (_, p) in parameters) p.uniform_(-bound, bound, random);
                    break;
                case Conv1d:
                    var weight = parameters.First(p => p.name == "weight").parameter;
                    var fanIn = weight.shape[1] * weight.shape[2];
                    var b = 1 / Math.Sqrt(fanIn);
                    foreach (var (_, p) in parameters) p.uniform_(-b, b, random);
                    break;
            }
        }
        return model;
    }
}
