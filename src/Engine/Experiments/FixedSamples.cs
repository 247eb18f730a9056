using Vinula.Engine.Analysis;
using Vinula.Engine.Data;
using Vinula.Engine.Imaging;
using Vinula.Engine.Training;
using static TorchSharp.torch;

namespace Vinula.Engine.Experiments;

/// <summary>
/// One noise batch for the whole run, so the sample grids of successive epochs compare (pytorch/examples dcgan):
/// 100 vectors z drawn once from (seed, stream), or, for a conditional model, ten z repeated in ten rows with the
/// digits 0..9 as the rows' labels. Every epoch the generator's samples from it become a 10 × 10 grid and the digit
/// scorer's verdict (<see cref="QualityReport"/>).
/// </summary>
public sealed class FixedSamples : IDisposable
{
    public const string Group = "samples";
    public const int Count = 100;
    private const int Columns = 10;

    public FixedSamples(int latent, bool conditional, int seed, string stream, Device device)
    {
        // Drawn on the CPU, then moved: the same seed gives the same noise on any device. In a scope of its own: the
        // draw before `repeat`/`to` is a tensor too (`to` on the same device returns a new one), and out of any scope it
        // stayed alive until a garbage collection, one a run.
        using var random = Seeds.Generator(seed, Seeds.Of(stream));
        using var scope = NewDisposeScope();
        if (conditional)
        {
            Noise = randn([Columns, latent], generator: random).repeat(Count / Columns, 1).to(device).DetachFromDisposeScope();
            Labels = arange(MnistData.Classes, dtype: ScalarType.Int64).repeat_interleave(Columns).to(device).DetachFromDisposeScope();
        }
        else
            Noise = randn([Count, latent], generator: random).to(device).DetachFromDisposeScope();
    }

    /// <summary>[100, latent].</summary>
    public Tensor Noise { get; }

    /// <summary>The digit of each row (int64, [100]) for a conditional model; null otherwise.</summary>
    public Tensor? Labels { get; }

    /// <summary>
    /// Draws the samples with <paramref name="draw"/> (noise, labels → images [100, 784] in [0, 1], in eval mode and
    /// under no_grad as an epoch's end runs), stores the grid <c>samples-e{epoch}.png</c> and the scorer's verdict.
    /// </summary>
    public void Store(RunContext context, int epoch, long globalStep, Func<Tensor, Tensor?, Tensor> draw)
    {
        using var samples = draw(Noise, Labels);
        context.Artifact($"samples-e{epoch + 1:000}.png", "image/png", globalStep, Group, Grid(samples));
        QualityReport.Store(context, samples, epoch, globalStep);
    }

    /// <summary>The run paused at <paramref name="globalStep"/>: the grid at that very step
    /// (<c>samples-s{step}.png</c>, same group, so the slider places it among the epochs), without the scorer's verdict,
    /// which stays one per epoch.</summary>
    public void Preview(RunContext context, long globalStep, Func<Tensor, Tensor?, Tensor> draw)
    {
        using var samples = draw(Noise, Labels);
        context.Artifact(PreviewName(globalStep), "image/png", globalStep, Group, Grid(samples));
    }

    /// <summary>Names a grid drawn between epochs (a paused run's step): <c>samples-s0000123.png</c>.</summary>
    public static string PreviewName(long globalStep) => $"{Group}-s{globalStep:0000000}.png";

    public static byte[] Grid(Tensor samples) =>
        Png.Grid(samples.ToFloats(), Count, Columns, MnistData.Side, MnistData.Side, scale: 1);

    public void Dispose()
    {
        Noise.Dispose();
        Labels?.Dispose();
    }
}
