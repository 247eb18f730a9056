using Microsoft.AspNetCore.Components;
using Vinula.Runs.Storage;
using Vinula.Engine.Analysis;
using Vinula.Shared.Experiments;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Components.Pages.Compare;

/// <summary>
/// The homotopy of every selected run with an encoder, at one t. The engine draws each run's whole path once per pair
/// of digits (<see cref="AnalysisService.HomotopyFramesAsync"/>, on its own thread, never the circuit's); the frames
/// are kept here, so moving t only picks another frame.
/// </summary>
public sealed partial class CompareHomotopy : IDisposable
{
    /// <summary>Frames along the path: t = 0, 0.05, …, 1.</summary>
    public const int Steps = 21;

    private readonly Dictionary<(string Run, int A, int B), Task<Frames>> _frames = [];
    private readonly CancellationTokenSource _gone = new();
    private (int A, int B)? _fadeFor;
    private string[]? _fade;
    private string? _error;
    private int? _moving; // the slider's own frame until the URL brings it back (see SetFrameAsync)

    [Parameter, EditorRequired] public IReadOnlyList<RunDto> Runs { get; set; } = [];

    /// <summary>Test rows from the URL; null: the first 1 and the first 7 of the test split, as on a run's page.</summary>
    [Parameter] public int? A { get; set; }
    [Parameter] public EventCallback<int> AChanged { get; set; }
    [Parameter] public int? B { get; set; }
    [Parameter] public EventCallback<int> BChanged { get; set; }

    /// <summary>t ∈ [0, 1] from the URL, snapped to the nearest frame; null: ½.</summary>
    [Parameter] public double? T { get; set; }
    [Parameter] public EventCallback<double> TChanged { get; set; }

    [Inject] private AnalysisService Analysis { get; set; } = default!;
    [Inject] private IRunStore Store { get; set; } = default!;

    private int MaxRow => (Analysis.TestCount ?? 10_000) - 1;

    private int RowA => A ?? Analysis.FirstTestRow(1) ?? 0;

    private int RowB => B ?? Analysis.FirstTestRow(7) ?? 1;

    private int Frame => _moving ?? UrlFrame;

    private int UrlFrame => (int)Math.Round(Math.Clamp(T ?? 0.5, 0, 1) * (Steps - 1));

    /// <summary>One run's frames as data URLs, or why there are none.</summary>
    private sealed record Frames(string[]? Urls, string? Error);

    protected override async Task OnParametersSetAsync()
    {
        if (_moving == UrlFrame) _moving = null;
        _error = null;
        // A prerender (a shared link's first HTML) is thrown away: the models run once, for the circuit.
        if (!RendererInfo.IsInteractive || !Runs.Any(r => Analysis.HasLatentModel(r.Kind))) return;
        if (Analysis.TestCount is null)
        {
            _error = "MNIST is not in the dataset cache on this server.";
            return;
        }
        var (a, b) = (RowA, RowB);
        if (a < 0 || b < 0 || a > MaxRow || b > MaxRow)
        {
            _error = $"Pick test digits between 0 and {MaxRow}.";
            return;
        }
        if (_fadeFor != (a, b))
        {
            _fadeFor = (a, b);
            _fade = [.. Analysis.CrossFadeFrames(a, b, Steps).Select(DataUrl)];
            // Only the current pair's frames are kept (a few kB per frame and run).
            foreach (var key in _frames.Keys.Where(k => (k.A, k.B) != (a, b) && _frames[k].IsCompleted).ToList()) _frames.Remove(key);
        }
        var pending = new List<Task<Frames>>();
        foreach (var run in Runs.Where(r => Analysis.HasLatentModel(r.Kind) && r.Status == RunStatus.Completed))
        {
            if (!_frames.TryGetValue((run.Id, a, b), out var task)) _frames[(run.Id, a, b)] = task = ComputeAsync(run, a, b);
            if (!task.IsCompleted) pending.Add(task);
        }
        // Jobs run one at a time on the analysis thread: show each run as soon as its frames arrive.
        while (pending.Count > 0)
        {
            pending.Remove(await Task.WhenAny(pending));
            StateHasChanged();
        }
    }

    private Frames? FramesOf(RunDto run) =>
        _fadeFor is var (a, b) && _frames.TryGetValue((run.Id, a, b), out var task) && task.IsCompletedSuccessfully ? task.Result : null;

    private async Task<Frames> ComputeAsync(RunDto run, int a, int b)
    {
        try
        {
            var runId = run.Id;
            var frames = await Analysis.HomotopyFramesAsync(new RunModel(run.Kind, run.Config, name => Store.LoadCheckpoint(runId, name)), a, b, Steps, _gone.Token);
            return new Frames([.. frames.Select(DataUrl)], null);
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or IOException or InvalidDataException or ArgumentException)
        {
            return new Frames(null, e.Message);
        }
        catch (OperationCanceledException)
        {
            return new Frames(null, "cancelled");
        }
    }

    private static string DataUrl(byte[] png) => "data:image/png;base64," + Convert.ToBase64String(png);

    private string LabelOf(int row) => Analysis.TestLabel(row) is { } digit ? $", a {digit}" : "";

    /// <summary>One line on why a run has no path.</summary>
    private string WhyNot(RunDto run) => run.Kind switch
    {
        _ when Analysis.HasLatentModel(run.Kind) => "available when the run has finished (it uses the trained model).",
        ExperimentKinds.Gan or ExperimentKinds.Cgan => "a GAN has no encoder: no latent for a test digit.",
        ExperimentKinds.TextGan or ExperimentKinds.TextDistill => "a text model: no digits to interpolate.",
        _ => "a classifier has no decoder: nothing to draw a code with.",
    };

    private Task SetAAsync(int? row) => Pick(row, AChanged);

    private Task SetBAsync(int? row) => Pick(row, BChanged);

    /// <summary>A cleared or out-of-range field is reported, never read as digit 0.</summary>
    private Task Pick(int? row, EventCallback<int> changed)
    {
        if (row is not { } r || r < 0 || r > MaxRow)
        {
            _error = $"Pick test digits between 0 and {MaxRow}.";
            return Task.CompletedTask;
        }
        return changed.HasDelegate ? changed.InvokeAsync(r) : Task.CompletedTask;
    }

    /// <summary>Shows the frame at once and reports t; while the URL round trip is under way a render with the old t
    /// would pull the slider back (a held arrow key lost steps).</summary>
    private Task SetFrameAsync(int frame)
    {
        _moving = frame;
        return TChanged.HasDelegate ? TChanged.InvokeAsync(Math.Round(frame / (double)(Steps - 1), 2)) : Task.CompletedTask;
    }

    public void Dispose()
    {
        _gone.Cancel();
        _gone.Dispose();
    }
}
