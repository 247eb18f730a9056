using BenchmarkDotNet.Attributes;
using TorchSharp;
using Vinula.Engine.Data;
using Vinula.Engine.Hosting;
using Vinula.Engine.Losses;
using Vinula.Engine.Models;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Vinula.Benchmarks;

/// <summary>
/// One optimisation step of the distill experiment's models, as the runner takes it (dispose scope, Adam,
/// jitter), on random MNIST-shaped data. Throughput = batch / mean time; compare runs as ratios, the shared
/// machine swings ±15–20 %.
/// </summary>
[MemoryDiagnoser(displayGenColumns: false)]
// In process: the natives (libtorch, the patched libLibTorchSharp) are those of this build output.
[InProcess]
[WarmupCount(3), IterationCount(8), InvocationCount(20)]
public class TrainingStepBenchmarks
{
    private Mlp _model = null!;
    private Mlp _teacher = null!;
    private optim.Optimizer _optimizer = null!;
    private Tensor _x = null!;
    private Tensor _y = null!;
    private torch.Generator _random = null!;

    [Params("800-800", "1200-1200", "128")]
    public string Hidden { get; set; } = "";

    [Params(1, 2)]
    public int Threads { get; set; }

    [Params(128)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        TorchSetup.Initialise(new EngineOptions { Threads = Threads });
        torch.set_num_threads(Threads);
        torch.manual_seed(1);
        _model = new Mlp(MnistData.Pixels, [.. Hidden.Split('-').Select(int.Parse)], MnistData.Classes, dropout: 0.3);
        _teacher = new Mlp(MnistData.Pixels, [800, 800], MnistData.Classes);
        _teacher.eval();
        // Jitter and dropout draw from a generator of the run's own, as in ClassifierPhase.
        _random = Vinula.Engine.Training.Seeds.Generator(1);
        _model.DrawDropoutFrom(_random);
        _optimizer = new Vinula.Engine.Training.Adam(_model.parameters(), 1e-3, beta1: 0.9); // the engine's own, as runs use it
        _x = rand(Batch, MnistData.Pixels);
        _y = randint(0, 10, [Batch], dtype: ScalarType.Int64);
    }

    [Benchmark(Description = "cross-entropy step (teacher, baseline)")]
    public float CrossEntropyStep()
    {
        using var scope = NewDisposeScope();
        _model.train();
        _optimizer.zero_grad();
        var loss = F.cross_entropy(_model.forward(Jitter.Shift(_x, MnistData.Side, 2, _random)), _y);
        loss.backward();
        _optimizer.step();
        return loss.item<float>();
    }

    [Benchmark(Description = "distillation step (student, teacher 800-800 on the batch)")]
    public float DistillationStep()
    {
        using var scope = NewDisposeScope();
        _model.train();
        var x = Jitter.Shift(_x, MnistData.Side, 2, _random);
        Tensor v;
        using (no_grad()) v = _teacher.forward(x);
        _optimizer.zero_grad();
        var loss = DistillationLoss.SoftKl(_model.forward(x), v, _y, 4, 0.9).Total;
        loss.backward();
        _optimizer.step();
        return loss.item<float>();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _optimizer.Dispose();
        _model.Dispose();
        _teacher.Dispose();
        _random.Dispose();
    }
}
