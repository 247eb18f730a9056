using Microsoft.AspNetCore.Components;
using Vinula.Dashboard.Curves;
using Vinula.Dashboard.Runs;
using Vinula.Runs.Storage;
using Vinula.Shared.Events;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Components.Pages.Compare;

/// <summary>Runs side by side: overlaid curves, the config fields that differ, summary numbers. Everything that
/// matters (runs, metrics, axis, smoothing, log scales) is in the URL.</summary>
public partial class ComparePage
{
    private List<RunDto> _runs = [];
    private readonly Dictionary<string, Dictionary<string, List<MetricPoint>>> _metrics = [];
    private IReadOnlyList<string> _seriesNames = [];
    private IReadOnlyList<(string Path, string[] Values)> _differences = [];
    private IReadOnlyList<string> _summaryKeys = [];
    private string? _loadedRuns;

    [SupplyParameterFromQuery(Name = "runs")] public string? RunIds { get; set; }
    /// <summary>The metrics drawn, comma-separated (<c>metric=student/test_accuracy,student/train_loss</c>).</summary>
    [SupplyParameterFromQuery(Name = "metric")] public string? MetricList { get; set; }
    [SupplyParameterFromQuery(Name = "logy")] public bool LogY { get; set; }
    [SupplyParameterFromQuery(Name = "logx")] public bool LogX { get; set; }
    [SupplyParameterFromQuery(Name = "x")] public string? XAxisName { get; set; }
    [SupplyParameterFromQuery(Name = "smooth")] public string? SmoothingText { get; set; }

    // The media views' state (CompareGrids, CompareTexts, CompareHomotopy): the epoch of every grid and text, the image
    // group, the homotopy's two test digits and its t.
    [SupplyParameterFromQuery(Name = "epoch")] public int? Epoch { get; set; }
    [SupplyParameterFromQuery(Name = "grid")] public string? GridGroup { get; set; }
    [SupplyParameterFromQuery(Name = "a")] public int? A { get; set; }
    [SupplyParameterFromQuery(Name = "b")] public int? B { get; set; }
    [SupplyParameterFromQuery(Name = "t")] public double? T { get; set; }

    /// <summary>Each model's own epochs unless the URL names another axis (an old link's <c>x=step</c> still reads).</summary>
    private CurveView View => new(CurveView.ParseAxis(XAxisName) ?? CurveAxis.Epoch, CurveView.ParseSmoothing(SmoothingText), LogX, LogY);

    /// <summary>The metrics the URL names that some run has, or the default one every run shares.</summary>
    private IReadOnlyList<string> Selected { get; set; } = [];

    [Inject] private RunService Runs { get; set; } = default!;
    [Inject] private IRunStore Store { get; set; } = default!;
    [Inject] private NavigationManager Nav { get; set; } = default!;

    private List<string> Requested => [.. (RunIds ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct()];

    private List<string> Missing => [.. Requested.Where(id => _runs.All(r => r.Id != id))];

    protected override void OnParametersSet()
    {
        if (_loadedRuns != RunIds)
        {
            _loadedRuns = RunIds;
            _runs = [.. Requested.Select(Runs.Get).OfType<RunDto>()];
            _metrics.Clear();
            // The prerender names the runs and their numbers; the curves are drawn once the circuit is there.
            if (RendererInfo.IsInteractive)
                foreach (var run in _runs) _metrics[run.Id] = Store.Metrics(run.Id);
            _seriesNames = [.. _metrics.Values.SelectMany(m => m.Keys).Distinct().Order(StringComparer.Ordinal)];
            _differences = ConfigDiff.Differences([.. _runs.Select(r => r.Config)]);
            _summaryKeys = [.. _runs.SelectMany(r => r.Summary.Keys).Distinct().Order(StringComparer.Ordinal)];
        }
        var asked = (MetricList ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(_seriesNames.Contains).Distinct().ToList();
        Selected = asked.Count > 0 ? asked
            : DefaultMetric.For([.. _metrics.Values.Select(m => (IReadOnlyCollection<string>)m.Keys)]) is { } metric ? [metric] : [];
    }

    private double? Best(string key) => SummaryBest.Of(key, [.. _runs.Where(r => r.Summary.ContainsKey(key)).Select(r => r.Summary[key])]);

    private void SetMetrics(IEnumerable<string?>? values)
    {
        var chosen = (values ?? []).OfType<string>().ToList();
        if (chosen.Count == 0) return; // a chart needs a metric: unticking the last one keeps it
        Nav.NavigateTo(Nav.GetUriWithQueryParameter("metric", string.Join(',', _seriesNames.Where(chosen.Contains))), replace: true);
    }

    /// <summary>The axis, smoothing and log x into the URL (defaults left out).</summary>
    private void SetView(CurveView view) =>
        Nav.NavigateTo(Nav.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            ["x"] = view.Axis == CurveAxis.Epoch ? null : CurveView.UrlName(view.Axis),
            ["smooth"] = CurveView.SmoothingUrl(view.Smoothing),
            ["logx"] = view.LogX ? "true" : null,
        }), replace: true);

    private void SetEpoch(int value) => Nav.NavigateTo(Nav.GetUriWithQueryParameter("epoch", value), replace: true);

    private void SetGridGroup(string value) => Nav.NavigateTo(Nav.GetUriWithQueryParameter("grid", value), replace: true);

    private void SetA(int value) => Nav.NavigateTo(Nav.GetUriWithQueryParameter("a", value), replace: true);

    private void SetB(int value) => Nav.NavigateTo(Nav.GetUriWithQueryParameter("b", value), replace: true);

    private void SetT(double value) => Nav.NavigateTo(Nav.GetUriWithQueryParameter("t", value), replace: true);

    private void SetLogY(bool value) => Nav.NavigateTo(Nav.GetUriWithQueryParameter("logy", value ? "true" : null), replace: true);
}
