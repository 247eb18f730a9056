using Vinula.Engine.Data;
using Vinula.Engine.Imaging;
using Vinula.Engine.Training;
using static TorchSharp.torch;

namespace Vinula.Engine.Experiments.Autoencoder;

/// <summary>The same ten test digits (the first of each class) in every grid: originals above, reconstructions
/// below, so grids of successive epochs compare.</summary>
public sealed class ReconstructionGrid(ClassifierData data)
{
    public const string Group = "reconstructions";

    private readonly long[] _rows = [.. Enumerable.Range(0, MnistData.Classes)
        .Select(digit => (long)Array.FindIndex(data.TestIndices, i => data.Mnist.Labels[i] == digit))
        .Where(row => row >= 0)];

    public Tensor Originals()
    {
        using var rows = tensor(_rows, ScalarType.Int64);
        return data.TestX.index_select(0, rows.to(data.TestX.device));
    }

    /// <summary>Stores the grid of <paramref name="reconstructions"/> (one per original, same order).</summary>
    public void Store(RunContext context, string name, long step, Tensor reconstructions)
    {
        using var originals = Originals();
        var pixels = originals.ToFloats().Concat(reconstructions.ToFloats()).ToArray();
        var png = Png.Grid(pixels, count: 2 * _rows.Length, columns: _rows.Length, MnistData.Side, MnistData.Side, scale: 2);
        context.Artifact(name, "image/png", step, Group, png);
    }
}
