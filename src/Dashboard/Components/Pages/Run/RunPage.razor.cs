using System.Text.Json;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using Vinula.Dashboard.Components.Live;
using Vinula.Dashboard.Curves;
using Vinula.Dashboard.Kinds;
using Vinula.Dashboard.Runs;
using Vinula.Runs.Storage;
using Vinula.Engine.Training;
using Vinula.Shared;
using Vinula.Shared.Events;
using Vinula.Shared.Experiments;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Components.Pages.Run;

/// <summary>
/// One run, live: loads the stored snapshot, then applies the run's events (dropping metric points whose step
/// it already has) and hands them to the kind's panels. A finished run loaded from history looks the same.
/// </summary>
public partial class RunPage : IDisposable
{
    private static readonly string[] Tabs = ["training", "config", "log", "details"];

    private RunDto? _run;
    private KindView? _view;
    private string _configText = "";
    private RunLive _live = new("");
    private List<RunLogLine> _logs = [];
    private bool _hasTeacher;

    /// <summary>The kind whose New page can reuse this run's teacher: MNIST teachers serve distill (and sweeps),
    /// masked-LM teachers text-distill; a genre teacher is not reused (it trains in a couple of minutes).</summary>
    private string? TeacherFor => _run?.Kind switch
    {
        ExperimentKinds.Distill or ExperimentKinds.TemperatureSweep => ExperimentKinds.Distill,
        ExperimentKinds.TextDistill when TextDistillConfig.IsMaskedLm(_run.Config) => ExperimentKinds.TextDistill,
        _ => null,
    };
    private bool _hasCheckpoint;
    private IDisposable? _subscription;
    private string? _loadedId;
    private bool _disposed;

    [Parameter] public string Id { get; set; } = "";
    [SupplyParameterFromQuery] public string? Tab { get; set; }
    [SupplyParameterFromQuery(Name = "logy")] public bool LogY { get; set; }
    [SupplyParameterFromQuery(Name = "x")] public string? XAxisName { get; set; }
    [SupplyParameterFromQuery(Name = "smooth")] public string? SmoothingText { get; set; }
    [SupplyParameterFromQuery(Name = "logx")] public bool LogX { get; set; }

    /// <summary>How the curves are drawn, from the URL: the kind's default axis unless it names one.</summary>
    private CurveView View => new(CurveView.ParseAxis(XAxisName) ?? DefaultAxis, CurveView.ParseSmoothing(SmoothingText), LogX, LogY);

    private CurveAxis DefaultAxis => _view?.Kind.DefaultAxis ?? CurveAxis.Step;

    [Inject] private RunService Runs { get; set; } = default!;
    [Inject] private KindRegistry Kinds { get; set; } = default!;
    [Inject] private IRunStore Store { get; set; } = default!;
    [Inject] private RunEventBus Bus { get; set; } = default!;
    [Inject] private NavigationManager Nav { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    private int TabIndex => Math.Max(0, Array.IndexOf(Tabs, Tab ?? "training"));

    protected override void OnParametersSet()
    {
        if (_loadedId == Id) return;
        _loadedId = Id;
        Load();
    }

    /// <summary>Subscribes, then reads the snapshot: the step filter drops what both deliver.</summary>
    private void Load()
    {
        _subscription?.Dispose();
        _run = Runs.Get(Id);
        // The prerender shows the run's headline only: the live page (and its subscription) is the circuit's.
        if (_run is null || !RendererInfo.IsInteractive) return;
        _subscription = Bus.SubscribeRun(Id, OnEvent);
        _live = new RunLive(Id);
        foreach (var (series, points) in Store.Metrics(Id)) _live.Points[series] = points;
        _logs = [.. Store.Logs(Id)];
        RefreshFiles();
        Describe(_run);
    }

    private void RefreshFiles()
    {
        _hasTeacher = Store.HasCheckpoint(Id, Checkpoint.NameFor("teacher"));
        _hasCheckpoint = Store.HasCheckpoint(Id);
    }

    private void Describe(RunDto run)
    {
        _configText = JsonSerializer.Serialize(run.Config, new JsonSerializerOptions(VinulaJson.Options) { WriteIndented = true });
        _view = Kinds.Describe(run);
    }

    /// <summary>What every kind's panels take (<see cref="KindPanels{TConfig}"/>): the run, its typed config, the log axis.</summary>
    private Dictionary<string, object?> PanelParameters(KindView view, RunDto run) => new()
    {
        [nameof(KindPanels<ExperimentConfig>.Run)] = run,
        [nameof(KindPanels<ExperimentConfig>.Config)] = view.Config,
        [nameof(KindPanels<ExperimentConfig>.LogY)] = LogY,
        [nameof(KindPanels<ExperimentConfig>.LogYChanged)] = EventCallback.Factory.Create<bool>(this, SetLogY),
    };

    /// <summary>Runs on this page's queue of the event bus (never on the training thread), in order; the bus
    /// hands this page its own run's events only.</summary>
    private Task OnEvent(RunEvent e) => InvokeAsync(async () =>
    {
        switch (e)
        {
            case MetricsAppended m:
                await _live.RaiseMetricsAsync(_live.Merge(m.Points));
                return; // the panels re-render what changed
            case RunProgressChanged p when _run is not null:
                _run = _run with { Progress = p.Progress };
                break;
            case RunMetadataChanged m when _run is not null:
                _run = _run with { Name = m.Name, Tags = m.Tags, Notes = m.Notes, SlowMotionMs = m.SlowMotionMs };
                break;
            case RunStatusChanged s when _run is not null:
                var resumed = s.Status == RunStatus.Running && _run.Status == RunStatus.Queued;
                _run = Runs.Get(Id);
                if (resumed && _run?.StatusHistory.LastOrDefault(h => h.Status == RunStatus.Running)?.Reason == "resumed")
                {
                    // A resume forgot the points after the last checkpoint: start again from the store.
                    Load();
                    StateHasChanged();
                    return;
                }
                if (s.Status.IsFinished()) RefreshFiles();
                await _live.RaiseAsync(e);
                break;
            case LogAppended l:
                _logs.Add(l.Line);
                break;
            case RunDeleted:
                _run = null;
                break;
            default:
                if (e is ArtifactAdded) RefreshFiles();
                await _live.RaiseAsync(e);
                return;
        }
        StateHasChanged();
    });

    /// <summary>A tab the user picked goes into the URL. MudTabs also reports indices while its panels are being
    /// disposed (the circuit is closing: down to -1); those are not choices and are ignored.</summary>
    private void SetTab(int index)
    {
        if (_disposed || index < 0 || index >= Tabs.Length || index == TabIndex) return;
        Nav.NavigateTo(Nav.GetUriWithQueryParameter("tab", index == 0 ? null : Tabs[index]), replace: true);
    }

    /// <summary>The curves' axis, smoothing and log x into the URL (defaults left out, so links stay short).</summary>
    private void SetView(CurveView view) =>
        Nav.NavigateTo(Nav.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            ["x"] = view.Axis == DefaultAxis ? null : CurveView.UrlName(view.Axis),
            ["smooth"] = CurveView.SmoothingUrl(view.Smoothing),
            ["logx"] = view.LogX ? "true" : null,
        }), replace: true);

    private void SetLogY(bool value) =>
        Nav.NavigateTo(Nav.GetUriWithQueryParameter("logy", value ? "true" : null), replace: true);

    private Task CancelAsync()
    {
        var outcome = Runs.Cancel(Id);
        Snackbar.Add(outcome.Succeeded ? "Cancelling: the run stops before its next step." : outcome.ConflictMessage ?? "Not found.",
            outcome.Succeeded ? Severity.Info : Severity.Warning);
        return Task.CompletedTask;
    }

    private void Resume()
    {
        var outcome = Runs.Resume(Id);
        Snackbar.Add(outcome.Succeeded ? "Queued: the run continues from its last checkpoint." : outcome.ConflictMessage ?? "Not found.",
            outcome.Succeeded ? Severity.Info : Severity.Warning);
    }

    private async Task DeleteAsync()
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Delete run",
            $"Delete '{_run?.Name}' with all its metrics, images and checkpoints? This cannot be undone.",
            yesText: "Delete", cancelText: "Keep");
        if (confirmed != true) return;
        var outcome = Runs.Delete(Id);
        if (outcome.Succeeded) Nav.NavigateTo("/");
        else Snackbar.Add(outcome.ConflictMessage ?? "Not found.", Severity.Warning);
    }

    public void Dispose()
    {
        _disposed = true;
        _subscription?.Dispose();
    }
}
