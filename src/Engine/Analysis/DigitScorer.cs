using System.Collections.Concurrent;
using TorchSharp;
using Vinula.Engine.Data;
using Vinula.Engine.Models;
using Vinula.Engine.Training;
using Vinula.Shared.Artifacts;
using Vinula.Shared.Experiments;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Vinula.Engine.Analysis;

/// <summary>
/// A small CNN trained once per dataset cache on the MNIST training split, stored in the cache folder and shared
/// by every run, to score generated digits beyond the losses (the idea of the Inception score, Salimans et al.
/// 2016, with an MNIST classifier): the class histogram shows mode coverage, the mean confidence sharpness.
/// </summary>
public sealed class DigitScorer : IDisposable
{
    private const string FileName = "digit-scorer-cnn-v1.bin";
    private static readonly ConcurrentDictionary<string, Lazy<DigitScorer>> Cache = new();
    private readonly nn.Module<Tensor, Tensor> _model;
    private readonly Lock _gate = new();

    private DigitScorer(nn.Module<Tensor, Tensor> model) => _model = model;

    public double TestAccuracy { get; private set; }

    /// <summary>The scorer for this dataset cache: loaded from its file, or trained (a few seconds) and saved.</summary>
    public static DigitScorer For(DatasetCatalog data, Action<string>? log = null) =>
        Cache.GetOrAdd(data.Options.Directory, _ => new Lazy<DigitScorer>(() => LoadOrTrain(data, log))).Value;

    private static DigitScorer LoadOrTrain(DatasetCatalog data, Action<string>? log)
    {
        var config = new TeacherConfig { Model = ClassifierModel.Cnn, Channels = [16, 32], Hidden = [128], Dropout = 0.3 };
        nn.Module<Tensor, Tensor> model;
        using (var random = Seeds.Generator(7, Seeds.Of("digit-scorer")))
            model = Classifiers.Create(config).Initialise(random);
        var scorer = new DigitScorer(model);
        var path = Path.Combine(data.Options.Directory, FileName);
        using var tensors = new ClassifierData(data.Mnist, null, 7, CPU);
        if (!TryLoad(model, path))
        {
            log?.Invoke("training the digit scorer once (a small CNN on the MNIST training digits; cached for every run)…");
            // Called from an epoch's evaluation, which runs under no_grad: training needs gradients back.
            using var grad = torch.enable_grad();
            var training = new DistillConfig { LearningRate = 2e-3, BatchSize = 128, Seed = 7 };
            using var phase = new ClassifierPhase(new PhasePlan("scorer", 5, tensors.StepsPerEpoch(training.BatchSize)), model, tensors,
                ClassifierObjective.CrossEntropy, training, training.Seed, jitter: 2);
            for (var epoch = 0; epoch < 5; epoch++)
            {
                phase.BeginEpoch(epoch);
                for (var step = 0; step < tensors.StepsPerEpoch(training.BatchSize); step++)
                {
                    using var scope = NewDisposeScope();
                    phase.Step(epoch, step);
                }
            }
            Directory.CreateDirectory(data.Options.Directory);
            var temporary = path + $".{Guid.NewGuid():N}.tmp";
            model.save(temporary);
            File.Move(temporary, path, overwrite: true);
        }
        model.eval();
        using (var scope = NewDisposeScope())
        using (no_grad())
            scorer.TestAccuracy = model.forward(tensors.TestX).argmax(-1).eq(tensors.TestY).to(ScalarType.Float32).mean().item<float>();
        log?.Invoke($"digit scorer: {scorer.TestAccuracy:P1} on the test digits.");
        return scorer;
    }

    /// <summary>False when there is no file or it cannot be read (a crash mid-write of an older version): then retrain.</summary>
    private static bool TryLoad(nn.Module model, string path)
    {
        if (!File.Exists(path)) return false;
        try
        {
            model.load(path);
            return true;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or System.Runtime.InteropServices.ExternalException)
        {
            return false;
        }
    }

    /// <summary>Scores images [n, 784] in [0, 1].</summary>
    public SampleQuality Score(Tensor images)
    {
        lock (_gate)
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var probabilities = F.softmax(_model.forward(images.detach().cpu()), -1);
            var (confidence, predicted) = probabilities.max(-1);
            var histogram = new int[MnistData.Classes];
            foreach (var c in predicted.data<long>().ToArray()) histogram[c]++;
            return new SampleQuality(histogram, confidence.mean().item<float>());
        }
    }

    public void Dispose() => _model.Dispose();
}

/// <summary>Per epoch: the scorer's verdict on a generator's fixed samples, as metrics and a histogram artifact.</summary>
public static class QualityReport
{
    public const string Group = SampleQuality.Group;

    public static void Store(RunContext context, Tensor samples, int epoch, long globalStep)
    {
        SampleQuality quality;
        try
        {
            quality = DigitScorer.For(context.Data, context.Log).Score(samples);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The scorer is a bonus panel: it must never fail the run it scores.
            context.Log($"sample quality unavailable: {e.Message}");
            return;
        }
        context.Metrics(globalStep,
            ("quality/confidence", quality.MeanConfidence),
            ("quality/coverage", quality.ClassesCovered / (double)MnistData.Classes));
        context.Artifact($"quality-e{epoch + 1:000}.json", "application/json", globalStep, Group,
            System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(quality, Vinula.Shared.VinulaJson.Options));
        context.Summary["samples.confidence"] = quality.MeanConfidence;
        context.Summary["samples.classes_covered"] = quality.ClassesCovered;
    }
}
