using System.Globalization;
using Microsoft.AspNetCore.Components;
using Plotly.Blazor;
using Plotly.Blazor.LayoutLib;
using Plotly.Blazor.Traces;
using Plotly.Blazor.Traces.ScatterLib;
using Vinula.Dashboard.Runs;
using Vinula.Dashboard.Storage;
using Vinula.Shared.Events;
using Vinula.Shared.Runs;
using YType = Plotly.Blazor.LayoutLib.YAxisLib.TypeEnum;

namespace Vinula.Dashboard.Components.Pages.Compare;

/// <summary>Runs side by side: overlaid curves, the config fields that differ, summary numbers. Everything that
/// matters (runs, metric, log scale) is in the URL.</summary>
public partial class ComparePage
{
    private List<RunDto> _runs = [];
    private readonly Dictionary<string, Dictionary<string, List<MetricPoint>>> _metrics = [];
    private IReadOnlyList<string> _seriesNames = [];
    private IReadOnlyList<(string Path, string[] Values)> _differences = [];
    private IReadOnlyList<string> _summaryKeys = [];
    private PlotlyChart? _chart;
    private readonly Config _config = new() { Responsive = true, DisplayLogo = false };
    private readonly Plotly.Blazor.Layout _layout = new()
    {
        PaperBgColor = "rgba(0,0,0,0)",
        PlotBgColor = "rgba(0,0,0,0)",
        Font = new Font { Color = "#8a8799" },
        Margin = new Plotly.Blazor.LayoutLib.Margin { L = 55, R = 10, T = 30, B = 40 },
        XAxis = [new XAxis { Title = new Plotly.Blazor.LayoutLib.XAxisLib.Title { Text = "step" }, GridColor = "rgba(128,128,128,0.2)" }],
        YAxis = [new YAxis { GridColor = "rgba(128,128,128,0.2)" }],
        Legend = [new Legend { Orientation = Plotly.Blazor.LayoutLib.LegendLib.OrientationEnum.H, Y = 1.02m, YAnchor = Plotly.Blazor.LayoutLib.LegendLib.YAnchorEnum.Bottom }],
    };
    private readonly IList<ITrace> _data = new List<ITrace>();
    private string? _loadedRuns;

    [SupplyParameterFromQuery(Name = "runs")] public string? RunIds { get; set; }
    [SupplyParameterFromQuery(Name = "metric")] public string? Series { get; set; }
    [SupplyParameterFromQuery(Name = "logy")] public bool LogY { get; set; }
    [SupplyParameterFromQuery(Name = "x")] public string? XAxisName { get; set; }

    // The media views' state (CompareGrids, CompareTexts, CompareHomotopy): the epoch of every grid and text, the image
    // group, the homotopy's two test digits and its t.
    [SupplyParameterFromQuery(Name = "epoch")] public int? Epoch { get; set; }
    [SupplyParameterFromQuery(Name = "grid")] public string? GridGroup { get; set; }
    [SupplyParameterFromQuery(Name = "a")] public int? A { get; set; }
    [SupplyParameterFromQuery(Name = "b")] public int? B { get; set; }
    [SupplyParameterFromQuery(Name = "t")] public double? T { get; set; }

    /// <summary>Each model's own epochs unless the URL asks for global steps.</summary>
    private CompareAxis Axis => XAxisName == "step" ? CompareAxis.Step : CompareAxis.Epoch;

    [Inject] private RunService Runs { get; set; } = default!;
    [Inject] private RunStore Store { get; set; } = default!;
    [Inject] private NavigationManager Nav { get; set; } = default!;

    private List<string> Requested => [.. (RunIds ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct()];

    private List<string> Missing => [.. Requested.Where(id => _runs.All(r => r.Id != id))];

    protected override async Task OnParametersSetAsync()
    {
        if (_loadedRuns != RunIds)
        {
            _loadedRuns = RunIds;
            _runs = [.. Requested.Select(Runs.Get).OfType<RunDto>()];
            _metrics.Clear();
            foreach (var run in _runs) _metrics[run.Id] = Store.Metrics(run.Id);
            _seriesNames = [.. _metrics.Values.SelectMany(m => m.Keys).Distinct().Order(StringComparer.Ordinal)];
            _differences = ConfigDiff.Differences([.. _runs.Select(r => r.Config)]);
            _summaryKeys = [.. _runs.SelectMany(r => r.Summary.Keys).Distinct().Order(StringComparer.Ordinal)];
        }
        Series ??= DefaultMetric.For([.. _runs.Select(r => (IReadOnlyCollection<string>)_metrics[r.Id].Keys)]);
        FillChart();
        if (_chart is not null) await _chart.React();
    }

    /// <summary>Mutates the chart's own lists (Plotly.Blazor re-plots what it holds, see React()).</summary>
    private void FillChart()
    {
        _data.Clear();
        for (var i = 0; i < _runs.Count; i++)
        {
            var metrics = _metrics[_runs[i].Id];
            var points = Series is not null && metrics.TryGetValue(Series, out var p) ? p : [];
            var xs = Axis == CompareAxis.Step || Series is null
                ? points.Select(q => (object)q.Step).ToList()
                : EpochAxis.Positions(points, EpochAxis.EpochEnds(Series, metrics)).Select(x => (object)x).ToList();
            _data.Add(new Scatter
            {
                Name = _runs[i].Name,
                Mode = points.Count <= 60 ? ModeFlag.Lines | ModeFlag.Markers : ModeFlag.Lines,
                X = xs,
                Y = points.Select(q => (object)q.Value).ToList(),
                Line = new Line { Color = RunColors.Of(_runs[i].Id), Width = 2 },
                Marker = new Marker { Color = RunColors.Of(_runs[i].Id), Size = 5 },
            });
        }
        _layout.XAxis[0].Title = new Plotly.Blazor.LayoutLib.XAxisLib.Title { Text = Axis == CompareAxis.Step ? "global step" : "epoch (each model's own)" };
        _layout.YAxis[0].Type = LogY ? YType.Log : YType.Linear;
        _layout.YAxis[0].Title = new Plotly.Blazor.LayoutLib.YAxisLib.Title { Text = Series ?? "" };
    }

    private double? Best(string key) => SummaryBest.Of(key, [.. _runs.Where(r => r.Summary.ContainsKey(key)).Select(r => r.Summary[key])]);

    private static string Format(string key, double value) =>
        key.Contains("accuracy", StringComparison.Ordinal) || key is "gap_recovered" or "student.params_saved"
            ? value.ToString("P2", CultureInfo.InvariantCulture)
            : value.ToString("0.####", CultureInfo.InvariantCulture);

    private void SetSeries(string value) => Nav.NavigateTo(Nav.GetUriWithQueryParameter("metric", value), replace: true);

    private void SetAxis(CompareAxis value) => Nav.NavigateTo(Nav.GetUriWithQueryParameter("x", value == CompareAxis.Step ? "step" : null), replace: true);

    private void SetEpoch(int value) => Nav.NavigateTo(Nav.GetUriWithQueryParameter("epoch", value), replace: true);

    private void SetGridGroup(string value) => Nav.NavigateTo(Nav.GetUriWithQueryParameter("grid", value), replace: true);

    private void SetA(int value) => Nav.NavigateTo(Nav.GetUriWithQueryParameter("a", value), replace: true);

    private void SetB(int value) => Nav.NavigateTo(Nav.GetUriWithQueryParameter("b", value), replace: true);

    private void SetT(double value) => Nav.NavigateTo(Nav.GetUriWithQueryParameter("t", value), replace: true);

    private void SetLogY(bool value) => Nav.NavigateTo(Nav.GetUriWithQueryParameter("logy", value ? "true" : null), replace: true);
}
