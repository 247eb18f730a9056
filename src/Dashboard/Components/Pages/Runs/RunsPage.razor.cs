using Microsoft.AspNetCore.Components;
using Vinula.Dashboard.Runs;
using Vinula.Shared.Events;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Components.Pages.Runs;

/// <summary>Every run, filtered by the URL's query (so a copied link opens the same list), updated live.</summary>
public partial class RunsPage
{
    private const int PageSize = 200;
    private RunPage _page = new([], 0);
    private HashSet<RunDto> _selected = new(RunIdComparer.Instance);
    private IReadOnlyList<string> _allTags = [];
    private IDisposable? _subscription;
    private readonly LiveProgress _progress = new();
    private readonly Dictionary<string, RunProgress> _pendingProgress = new(StringComparer.Ordinal);
    private Timer? _refresh;
    private int _dirty;

    [Inject] private RunService Service { get; set; } = default!;
    [Inject] private RunEventBus Bus { get; set; } = default!;
    [Inject] private NavigationManager Nav { get; set; } = default!;

    [SupplyParameterFromQuery] public string? Q { get; set; }
    [SupplyParameterFromQuery] public string? Kind { get; set; }
    [SupplyParameterFromQuery] public string? Status { get; set; }
    [SupplyParameterFromQuery] public string? Tag { get; set; }
    [SupplyParameterFromQuery] public string? Sort { get; set; }

    private string CompareLink => $"/compare?runs={string.Join(',', _selected.Select(r => r.Id))}";

    private bool AnyFilter => !string.IsNullOrEmpty(Q) || !string.IsNullOrEmpty(Kind) || !string.IsNullOrEmpty(Status) || !string.IsNullOrEmpty(Tag);

    protected override void OnInitialized()
    {
        // Progress and renames patch the row they concern; only a new, deleted or re-filtered run reloads the list.
        // Re-render at most four times a second, off the training thread.
        _subscription = Bus.Subscribe(OnEvent,
            e => e is RunStatusChanged or RunProgressChanged or RunMetadataChanged or RunDeleted);
        _refresh = new Timer(_ => _ = InvokeAsync(Tick), null, 250, 250);
    }

    /// <summary>Four times a second: a reload or a repaint if something asked for one; once a second, the progress
    /// cells of the runs that ticked (each repaints alone). A list needs no faster progress than that, and every
    /// repaint costs the browser layout work on the cores the runs train on.</summary>
    private void Tick()
    {
        var dirty = _dirty; // the page's dispatcher only: no other thread touches it
        _dirty = 0;
        if (dirty == Reload) Load();
        if (dirty != 0) StateHasChanged();
        if (++_ticks % 4 != 0) return;
        foreach (var (runId, progress) in _pendingProgress) _progress.Set(runId, progress);
        _pendingProgress.Clear();
    }

    private int _ticks;

    private const int Repaint = 1;
    private const int Reload = 2;

    /// <summary>On the bus's queue for this page; patches rows under the page's dispatcher.</summary>
    private Task OnEvent(RunEvent e) => InvokeAsync(() =>
    {
        var index = IndexOf(e.RunId);
        var needs = e switch
        {
            RunProgressChanged p when index >= 0 => Progress(p),
            RunMetadataChanged m when index >= 0 && !FiltersOnMetadata =>
                Patch(index, r => r with { Name = m.Name, Tags = m.Tags, Notes = m.Notes, SlowMotionMs = m.SlowMotionMs }),
            RunStatusChanged when index >= 0 && !FiltersOnStatus => Patch(index, r => Fresh(r.Id) ?? r), // with its summary
            RunProgressChanged => 0, // a run not in this list (filtered out or beyond the page)
            _ => Reload,
        };
        _dirty = Math.Max(_dirty, needs);
    });

    /// <summary>A status change can move a run in or out of a status filter, or change its place in a status
    /// sort; a finished run gets its summary (the key metric): those reload.</summary>
    private bool FiltersOnStatus => !string.IsNullOrEmpty(Status) || Sort?.TrimStart('-') == "status";

    private bool FiltersOnMetadata => !string.IsNullOrEmpty(Q) || !string.IsNullOrEmpty(Tag) || Sort?.TrimStart('-') == "name";

    private int IndexOf(string runId)
    {
        var items = _page.Items;
        for (var i = 0; i < items.Count; i++)
            if (items[i].Id == runId) return i;
        return -1;
    }

    /// <summary>Kept for the next tick: only that run's status cell repaints.</summary>
    private int Progress(RunProgressChanged e)
    {
        _pendingProgress[e.RunId] = e.Progress;
        return 0;
    }

    private RunDto? Fresh(string runId)
    {
        _pendingProgress.Remove(runId);
        _progress.Forget(runId);
        return Service.Get(runId);
    }

    private int Patch(int index, Func<RunDto, RunDto> change)
    {
        var items = _page.Items.ToArray();
        items[index] = change(items[index]);
        _page = _page with { Items = items };
        return Repaint;
    }

    protected override void OnParametersSet() => Load();

    private void Load()
    {
        RunStatus? status = Enum.TryParse<RunStatus>(Status, true, out var s) ? s : null;
        _page = Service.Query(new RunQuery(Kind, status, Tag, Q, Sort, 0, PageSize));
        _allTags = Service.AllTags();
    }

    private void Navigate(string key, string? value) =>
        Nav.NavigateTo(Nav.GetUriWithQueryParameter(key, string.IsNullOrEmpty(value) ? null : value), replace: true);

    private Task SetTextAsync(string? value)
    {
        Navigate("q", value);
        return Task.CompletedTask;
    }

    private void SetKind(string? value) => Navigate("kind", value);
    private void SetStatus(string? value) => Navigate("status", value);
    private void SetTag(string? value) => Navigate("tag", value);
    private void SetSort(string? value) => Navigate("sort", value == "-createdAt" ? null : value);

    public void Dispose()
    {
        _subscription?.Dispose();
        _refresh?.Dispose();
    }
}

/// <summary>Runs are the same run when their ids match, whatever their progress: keeps selections across live reloads.</summary>
public sealed class RunIdComparer : IEqualityComparer<RunDto>
{
    public static RunIdComparer Instance { get; } = new();
    public bool Equals(RunDto? x, RunDto? y) => x?.Id == y?.Id;
    public int GetHashCode(RunDto obj) => obj.Id.GetHashCode(StringComparison.Ordinal);
}
