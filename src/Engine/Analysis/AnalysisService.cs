using System.Collections.Concurrent;
using System.Text.Json;
using Vinula.Engine.Data;
using Vinula.Engine.Experiments;
using Vinula.Engine.Imaging;
using Vinula.Engine.Models;
using Vinula.Shared;
using Vinula.Shared.Artifacts;
using Vinula.Shared.Experiments;
using static TorchSharp.torch;

namespace Vinula.Engine.Analysis;

/// <summary>A finished run's model as analysis finds it: its kind, resolved config and stored checkpoints.</summary>
/// <param name="Checkpoint">One of the run's stored checkpoints by name, or null; called on the analysis thread.</param>
public sealed record RunModel(string Kind, JsonElement Config, Func<string, byte[]?> Checkpoint);

/// <summary>
/// Analysis of finished runs for the dashboard's panels (homotopy, style transfer, gradient check), on one thread
/// of its own: torch never runs on a caller's thread (a Blazor circuit's), every job gets its own dispose scope,
/// and the answers are plain data (PNG bytes, numbers). One singleton per process; jobs run one at a time.
/// </summary>
public sealed class AnalysisService : IDisposable
{
    private readonly ExperimentCatalog _catalog;
    private readonly DatasetCatalog _datasets;
    private readonly BlockingCollection<Action> _jobs = [];
    private readonly Thread _thread;

    public AnalysisService(ExperimentCatalog catalog, DatasetCatalog datasets)
    {
        _catalog = catalog;
        _datasets = datasets;
        _thread = new Thread(Work) { IsBackground = true, Name = "vinula-analysis" };
        _thread.Start();
    }

    /// <summary>The test split's size when MNIST is cached (null: nothing is downloaded for a page).</summary>
    public int? TestCount => _datasets.MnistIfCached?.Test.Length;

    /// <summary>The first test row (position in the test split) showing <paramref name="digit"/>, if cached.</summary>
    public int? FirstTestRow(int digit) =>
        _datasets.MnistIfCached is { } mnist && Array.FindIndex(mnist.Test, i => mnist.Labels[i] == digit) is var row and >= 0 ? row : null;

    /// <summary>One MNIST image (by canonical index) as a PNG, twice its size; null when MNIST is not cached.</summary>
    public byte[]? DigitPng(int index) =>
        _datasets.MnistIfCached is { } mnist && index >= 0 && index < mnist.Count
            ? Png.Grayscale(mnist.Image(index), MnistData.Side, MnistData.Side, scale: 2)
            : null;

    /// <summary>Parameters of a classifier config (as its run reports them once trained).</summary>
    public static long ClassifierParameters(ClassifierConfig config) => Classifiers.CountParameters(config);

    /// <summary>Whether runs of <paramref name="kind"/> have an encoder and decoder to analyse.</summary>
    public bool HasLatentModel(string kind) => _catalog.Find(kind) is ILatentModelKind;

    /// <summary>Homotopy between two test rows as one PNG (pixels above, latent path below).</summary>
    public Task<byte[]> HomotopyAsync(RunModel run, int rowA, int rowB, CancellationToken cancellationToken = default)
    {
        var mnist = RequireMnist();
        CheckRow(mnist, rowA);
        CheckRow(mnist, rowB);
        return RunAsync(() =>
        {
            using var model = Load(run, mnist);
            return Homotopy.Render(model, mnist, rowA, rowB);
        }, grad: false, cancellationToken);
    }

    /// <summary>The latent path alone, one PNG per t = k / (steps − 1): computed once per run and pair of digits, so a
    /// slider over t (the Compare page's, across runs) shows frames without asking the model again.</summary>
    public Task<IReadOnlyList<byte[]>> HomotopyFramesAsync(RunModel run, int rowA, int rowB, int steps, CancellationToken cancellationToken = default)
    {
        var mnist = RequireMnist();
        CheckRow(mnist, rowA);
        CheckRow(mnist, rowB);
        return RunAsync(() =>
        {
            using var model = Load(run, mnist);
            return Homotopy.LatentFrames(model, mnist, rowA, rowB, steps);
        }, grad: false, cancellationToken);
    }

    /// <summary>The pixel cross-fade between two test rows, one PNG per t; no model and no torch, so on the caller's thread.</summary>
    public IReadOnlyList<byte[]> CrossFadeFrames(int rowA, int rowB, int steps)
    {
        var mnist = RequireMnist();
        CheckRow(mnist, rowA);
        CheckRow(mnist, rowB);
        return Homotopy.CrossFadeFrames(mnist, rowA, rowB, steps);
    }

    /// <summary>The digit a test row shows, if MNIST is cached and the row exists.</summary>
    public int? TestLabel(int row) =>
        _datasets.MnistIfCached is { } mnist && row >= 0 && row < mnist.Test.Length ? mnist.Labels[mnist.Test[row]] : null;

    /// <summary>A conditional model's style transfer for one test row: the digit, then its z decoded as 0…9.</summary>
    public Task<byte[]> StyleTransferAsync(RunModel run, int row, CancellationToken cancellationToken = default)
    {
        var mnist = RequireMnist();
        CheckRow(mnist, row);
        return RunAsync(() =>
        {
            using var model = Load(run, mnist);
            return StyleTransfer.Render(model, mnist, row);
        }, grad: false, cancellationToken);
    }

    /// <summary>Hinton et al. 2015, §2.1, on stored logits: see <see cref="GradientCheck"/>. Needs autograd.</summary>
    public Task<IReadOnlyList<GradientCheckPoint>> GradientCheckAsync(float[] student, float[] teacher, int classes,
        IReadOnlyList<double> temperatures, bool centre, CancellationToken cancellationToken = default) =>
        RunAsync(() => GradientCheck.Run(student, teacher, classes, temperatures, centre), grad: true, cancellationToken);

    private MnistData RequireMnist() =>
        _datasets.MnistIfCached ?? throw new InvalidOperationException("MNIST is not in the dataset cache on this server.");

    private static void CheckRow(MnistData mnist, int row)
    {
        if (row < 0 || row >= mnist.Test.Length)
            throw new ArgumentOutOfRangeException(nameof(row), row, $"Pick test digits between 0 and {mnist.Test.Length - 1}.");
    }

    private LatentModel Load(RunModel run, MnistData mnist)
    {
        var definition = _catalog.Find(run.Kind);
        if (definition is not ILatentModelKind kind)
            throw new NotSupportedException($"A {run.Kind} run has no encoder to interpolate with.");
        var config = (ExperimentConfig)run.Config.Deserialize(definition.ConfigType, VinulaJson.Options)!;
        return kind.Load(config, run.Checkpoint, mnist);
    }

    /// <summary>Queues <paramref name="work"/> on the analysis thread, inside its own dispose scope.</summary>
    private Task<T> RunAsync<T>(Func<T> work, bool grad, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _jobs.Add(() =>
        {
            if (cancellationToken.IsCancellationRequested)
            {
                done.TrySetCanceled(cancellationToken);
                return;
            }
            try
            {
                using var scope = NewDisposeScope();
                using var mode = grad ? enable_grad() : no_grad();
                done.TrySetResult(work());
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }
        }, CancellationToken.None);
        return done.Task;
    }

    private void Work()
    {
        foreach (var job in _jobs.GetConsumingEnumerable()) job();
    }

    public void Dispose()
    {
        _jobs.CompleteAdding();
        _thread.Join(TimeSpan.FromSeconds(5));
        _jobs.Dispose();
    }
}
