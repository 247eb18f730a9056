using System.Text.Json;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using Vinula.Dashboard.Components.Live;
using Vinula.Dashboard.Runs;
using Vinula.Dashboard.Storage;
using Vinula.Engine.Models;
using Vinula.Engine.Training;
using Vinula.Shared;
using Vinula.Shared.Events;
using Vinula.Shared.Experiments;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Components.Pages.Run;

/// <summary>
/// One run, live: loads the stored snapshot, then applies the run's events (dropping metric points whose step
/// it already has). A finished run loaded from history shows the same panels.
/// </summary>
public partial class RunPage : IDisposable
{
    private static readonly string[] Tabs = ["training", "config", "log", "details"];

    private RunDto? _run;
    private DistillConfig? _config;
    private string _configText = "";
    private readonly Dictionary<string, List<MetricPoint>> _points = new(StringComparer.Ordinal);
    private List<RunLogLine> _logs = [];
    private IReadOnlyList<string> _roles = [];
    private Dictionary<string, long> _parameters = [];
    private IReadOnlyList<ChartSeries> _lossSeries = [];
    private IReadOnlyList<ChartSeries> _accuracySeries = [];
    private IReadOnlyList<ChartSeries> _softSeries = [];
    private MetricChart? _lossChart;
    private MetricChart? _accuracyChart;
    private MetricChart? _partsChart;
    private bool _hasTeacher;
    private int _logitsVersion;
    private IDisposable? _subscription;
    private string? _loadedId;

    [Parameter] public string Id { get; set; } = "";
    [SupplyParameterFromQuery] public string? Tab { get; set; }
    [SupplyParameterFromQuery(Name = "logy")] public bool LogY { get; set; }

    [Inject] private RunService Runs { get; set; } = default!;
    [Inject] private RunStore Store { get; set; } = default!;
    [Inject] private RunEventBus Bus { get; set; } = default!;
    [Inject] private NavigationManager Nav { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    private int TabIndex => Math.Max(0, Array.IndexOf(Tabs, Tab ?? "training"));

    protected override void OnParametersSet()
    {
        if (_loadedId == Id) return;
        _loadedId = Id;
        _subscription?.Dispose();
        _points.Clear();
        _run = Runs.Get(Id);
        if (_run is null) return;

        // Subscribe before reading the snapshot; the step filter drops what both deliver.
        _subscription = Bus.Subscribe(OnEvent);
        foreach (var (series, points) in Store.Metrics(Id)) _points[series] = points;
        _logs = [.. Store.Logs(Id)];
        _hasTeacher = Store.LoadCheckpoint(Id, Checkpoint.NameFor("teacher")) is not null;
        Describe(_run);
    }

    /// <summary>What the panels show follows from the config: which models train, their sizes.</summary>
    private void Describe(RunDto run)
    {
        _configText = JsonSerializer.Serialize(run.Config, new JsonSerializerOptions(VinulaJson.Options) { WriteIndented = true });
        _config = run.Kind == ExperimentKinds.Distill ? run.Config.Deserialize<DistillConfig>(VinulaJson.Options) : null;
        if (_config is null) return;

        ClassifierConfig teacher = _config.Teacher;
        if (_config.TeacherRunId is { } teacherRun && Runs.Get(teacherRun)?.Config.Deserialize<DistillConfig>(VinulaJson.Options) is { } source)
            teacher = source.Teacher;
        _roles = _config.TrainBaseline ? ["teacher", "student", "baseline"] : ["teacher", "student"];
        _parameters = new Dictionary<string, long>
        {
            ["teacher"] = Classifiers.CountParameters(teacher),
            ["student"] = Classifiers.CountParameters(_config.Student),
        };
        if (_config.TrainBaseline) _parameters["baseline"] = _parameters["student"];

        _lossSeries = [.. _roles.SelectMany(r => new[]
        {
            new ChartSeries($"{r}/train_loss", $"{r} train", RoleColors.Of(r)),
            new ChartSeries($"{r}/test_loss", $"{r} test CE", RoleColors.Of(r), Dashed: true, Markers: true),
        })];
        _accuracySeries = [.. _roles.SelectMany(r => new[]
        {
            new ChartSeries($"{r}/test_accuracy", $"{r} test", RoleColors.Of(r), Markers: true),
            new ChartSeries($"{r}/train_accuracy", $"{r} train", RoleColors.Of(r), Dashed: true, Markers: true),
        })];
        _softSeries =
        [
            new ChartSeries("student/soft_loss", "soft term", RoleColors.Teacher),
            new ChartSeries("student/hard_loss", "hard term (CE)", RoleColors.Baseline),
        ];
    }

    /// <summary>Runs on the training thread: hand over to the renderer, never block.</summary>
    private void OnEvent(RunEvent e)
    {
        if (e.RunId != Id) return;
        _ = InvokeAsync(async () =>
        {
            switch (e)
            {
                case MetricsAppended m:
                    var fresh = m.Points.Where(p => !_points.TryGetValue(p.Series, out var known) || known.Count == 0 || p.Step > known[^1].Step).ToList();
                    if (fresh.Count == 0) return;
                    foreach (var p in fresh)
                    {
                        if (!_points.TryGetValue(p.Series, out var list)) _points[p.Series] = list = [];
                        list.Add(p);
                    }
                    foreach (var chart in new[] { _lossChart, _accuracyChart, _partsChart })
                        if (chart is not null) await chart.AppendAsync(fresh);
                    break;
                case RunStatusChanged s when _run is not null:
                    _run = s.Status == _run.Status && s.Status == RunStatus.Running
                        ? _run with { Progress = s.Progress }
                        : Runs.Get(Id);
                    if (_run?.Status == RunStatus.Completed)
                        _hasTeacher = Store.LoadCheckpoint(Id, Checkpoint.NameFor("teacher")) is not null;
                    break;
                case ArtifactAdded a when a.Group == "logits":
                    _logitsVersion++;
                    break;
                case LogAppended l:
                    _logs.Add(l.Line);
                    break;
                case RunDeleted:
                    _run = null;
                    break;
                default:
                    return;
            }
            StateHasChanged();
        });
    }

    private void SetTab(int index) =>
        Nav.NavigateTo(Nav.GetUriWithQueryParameter("tab", index == 0 ? null : Tabs[index]), replace: true);

    private void SetLogY(bool value) =>
        Nav.NavigateTo(Nav.GetUriWithQueryParameter("logy", value ? true : null), replace: true);

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

    public void Dispose() => _subscription?.Dispose();
}
