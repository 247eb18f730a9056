using Vinula.Engine.Data;
using static TorchSharp.torch;

namespace Vinula.Engine.Training;

/// <summary>
/// One run's MNIST split as tensors on its device: train (possibly a stratified subset), validation, test.
/// Rows keep the canonical order of their index lists, so a row number maps back to a digit.
/// </summary>
public sealed class ClassifierData : IDisposable
{
    public ClassifierData(MnistData mnist, int? trainSize, int seed, Device device)
    {
        TrainIndices = trainSize is { } size ? Subsets.Stratified(mnist.Train, mnist.Labels, size, seed) : mnist.Train;
        (TrainX, TrainY) = Load(mnist, TrainIndices, device);
        (ValidationX, ValidationY) = Load(mnist, mnist.Validation, device);
        (TestX, TestY) = Load(mnist, mnist.Test, device);
        TestIndices = mnist.Test;
        Mnist = mnist;
        _ownsEvaluation = true;
    }

    /// <summary>Other training rows, the same validation and test tensors (owned by <paramref name="source"/>).</summary>
    private ClassifierData(ClassifierData source, int[] trainIndices, Device device)
    {
        TrainIndices = trainIndices;
        (TrainX, TrainY) = Load(source.Mnist, trainIndices, device);
        (ValidationX, ValidationY, TestX, TestY) = (source.ValidationX, source.ValidationY, source.TestX, source.TestY);
        TestIndices = source.TestIndices;
        Mnist = source.Mnist;
    }

    private readonly bool _ownsEvaluation;

    /// <summary>The same split trained on other rows (a student's transfer set); validation and test are shared,
    /// so every model is scored on the very same tensors. Dispose it before this one.</summary>
    public ClassifierData WithTrain(int[] trainIndices) => new(this, trainIndices, TrainX.device);

    /// <summary>A run's split, with a log line saying where the digits came from and how many train.</summary>
    public static ClassifierData ForRun(Shared.Experiments.ExperimentConfig config, RunContext context)
    {
        var mnist = context.Data.Mnist;
        var data = new ClassifierData(mnist, config.TrainSize, config.Seed, context.Device);
        context.Log($"MNIST: {mnist.Source}; training on {data.TrainCount:N0} digits.");
        return data;
    }

    public MnistData Mnist { get; }
    public int[] TrainIndices { get; }
    public int[] TestIndices { get; }
    public int[] ValidationIndices => Mnist.Validation;
    public Tensor TrainX { get; }
    public Tensor TrainY { get; }
    public Tensor ValidationX { get; }
    public Tensor ValidationY { get; }
    public Tensor TestX { get; }
    public Tensor TestY { get; }

    public int TrainCount => TrainIndices.Length;

    public int StepsPerEpoch(int batchSize) => (TrainCount + batchSize - 1) / batchSize;

    /// <summary>The training rows of one step of an epoch: <paramref name="order"/>'s slice for that step, as
    /// images and labels on the run's device. Every phase draws its batches here.</summary>
    public (Tensor X, Tensor Y) Batch(int[] order, int step, int batchSize)
    {
        var rows = Rows(order, step, batchSize);
        return (TrainX.index_select(0, rows), TrainY.index_select(0, rows));
    }

    /// <summary>The row numbers (into <see cref="TrainX"/>) of one step of an epoch, on the run's device.</summary>
    public Tensor Rows(int[] order, int step, int batchSize)
    {
        var start = step * batchSize;
        var count = Math.Min(batchSize, TrainCount - start);
        var rows = new long[count];
        for (var i = 0; i < count; i++) rows[i] = order[start + i];
        return tensor(rows, ScalarType.Int64).to(TrainX.device);
    }

    private static (Tensor X, Tensor Y) Load(MnistData mnist, int[] indices, Device device)
    {
        // Outside any dispose scope; on the CPU `to` returns the same tensor, elsewhere the CPU copy is freed here.
        var x = tensor(mnist.Gather(indices), [indices.Length, MnistData.Pixels]);
        var y = tensor(mnist.GatherLabels(indices), ScalarType.Int64);
        return (Move(x, device), Move(y, device));
    }

    private static Tensor Move(Tensor cpu, Device device)
    {
        if (device.type == TorchSharp.DeviceType.CPU) return cpu;
        using (cpu) return cpu.to(device);
    }

    public void Dispose()
    {
        TrainX.Dispose();
        TrainY.Dispose();
        if (!_ownsEvaluation) return;
        foreach (var t in new[] { ValidationX, ValidationY, TestX, TestY })
            t.Dispose();
    }
}
