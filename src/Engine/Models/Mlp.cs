using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Vinula.Engine.Models;

/// <summary>
/// A fully connected classifier: input → (Linear → ReLU → Dropout) per hidden width → Linear to logits.
/// Hinton et al. 2015's MNIST teacher is Mlp(784, [1200, 1200], 10, dropout), the student Mlp(784, [800, 800], 10).
/// </summary>
public sealed class Mlp : Module<Tensor, Tensor>
{
    private readonly Sequential layers;

    public Mlp(int inputs, IReadOnlyList<int> hidden, int outputs, double dropout = 0) : base(nameof(Mlp))
    {
        Inputs = inputs;
        Hidden = [.. hidden];
        Outputs = outputs;

        var modules = new List<(string, Module<Tensor, Tensor>)>();
        var width = modules.AddHidden(inputs, hidden, DenseLayer.Relu(dropout));
        modules.Add(("out", Linear(width, outputs)));
        layers = Sequential(modules);
        RegisterComponents();
    }

    /// <summary>Weights and biases of the layers, without building the model: Σ (n_in·n_out + n_out).</summary>
    public static long CountParameters(int inputs, IReadOnlyList<int> hidden, int outputs)
    {
        long total = 0;
        var width = inputs;
        foreach (var h in hidden.Append(outputs))
        {
            total += (long)width * h + h;
            width = h;
        }
        return total;
    }

    public int Inputs { get; }
    public IReadOnlyList<int> Hidden { get; }
    public int Outputs { get; }

    /// <summary>Logits for a batch of flattened images [B, inputs] → [B, outputs].</summary>
    public override Tensor forward(Tensor input) => layers.forward(input);

    protected override void Dispose(bool disposing)
    {
        if (disposing) layers.Dispose();
        base.Dispose(disposing);
    }
}

public static class ModuleExtensions
{
    /// <summary>Number of trainable parameters.</summary>
    public static long ParameterCount(this Module module) => module.parameters().Sum(p => p.numel());
}
