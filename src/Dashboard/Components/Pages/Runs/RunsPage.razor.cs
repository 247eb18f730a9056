using Microsoft.AspNetCore.Components;
using Vinula.Dashboard.Runs;
using Vinula.Runs.Storage;
using Vinula.Shared.Events;
using Vinula.Shared.Experiments;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Components.Pages.Runs;

/// <summary>Every run, filtered by the URL's query (so a copied link opens the same list), updated live.</summary>
public partial class RunsPage
{
    /// <summary>Rows a page shows: a screenful or two. Every row is DOM the browser styles and lays out again on each
    /// live update, on the cores the runs train on: 200 MudTable rows cost a training run several times more than
    /// 50 (measured with <c>tests/Benchmarks runs-page</c>).</summary>
    public const int PageSize = 50;
    private RunPage _page = new([], 0);
    private HashSet<RunDto> _selected = new(RunIdComparer.Instance);
    private IReadOnlyList<string> _allTags = [];
    private IDisposable? _subscription;
    private readonly LiveProgress _progress = new();
    private readonly Dictionary<string, RunProgress> _pendingProgress = new(StringComparer.Ordinal);
    private int _dirty;

    [Inject] private RunService Service { get; set; } = default!;
    [Inject] private RunEventBus Bus { get; set; } = default!;
    [Inject] private NavigationManager Nav { get; set; } = default!;

    [SupplyParameterFromQuery] public string? Q { get; set; }
    [SupplyParameterFromQuery] public string? Kind { get; set; }
    [SupplyParameterFromQuery] public string? Status { get; set; }
    [SupplyParameterFromQuery] public string? Tag { get; set; }
    [SupplyParameterFromQuery] public string? Sort { get; set; }
    [SupplyParameterFromQuery(Name = "page")] public int? PageNumber { get; set; }

    private int CurrentPage => Math.Clamp(PageNumber ?? 1, 1, PageCount);
    private int PageCount => Math.Max(1, (_page.Total + PageSize - 1) / PageSize);
    private int FirstShown => (CurrentPage - 1) * PageSize + 1;

    private bool AllOnPageSelected => _page.Items.Count > 0 && _page.Items.All(_selected.Contains);

    private void SelectAllOnPage(bool selected)
    {
        foreach (var run in _page.Items) Select(run, selected);
    }

    private void Select(RunDto run, bool selected)
    {
        if (selected) _selected.Add(run);
        else _selected.Remove(run);
    }

    private string CompareLink => $"/compare?runs={string.Join(',', _selected.Select(r => r.Id))}";

    private bool AnyFilter => !string.IsNullOrEmpty(Q) || !string.IsNullOrEmpty(Kind) || !string.IsNullOrEmpty(Status) || !string.IsNullOrEmpty(Tag);

    protected override void OnInitialized()
    {
        // The prerender draws the list once; the live page (subscription, timers) is the circuit's.
        if (!RendererInfo.IsInteractive) return;
        // Progress and renames patch the row they concern; only a new, deleted or re-filtered run reloads the list.
        _subscription = Bus.Subscribe(OnEvent,
            e => e is RunStatusChanged or RunProgressChanged or RunMetadataChanged or RunDeleted);
        _flush = new Timer(_ => _ = InvokeAsync(Flush));
        _progressTimer = new Timer(_ => ApplyProgress(), null, ProgressEvery, ProgressEvery);
    }

    /// <summary>How often a row's progress repaints. A list needs no faster progress than that (the Run page has the
    /// live detail), and every repaint and every wake-up of this page's threads lands on the cores the runs train on:
    /// progress ticks (4 a second a run) are only kept, never dispatched one by one. A parameter so tests need not
    /// wait a whole cadence (a 5-s wait on a 5-s timer raced on a loaded CI machine).</summary>
    [Parameter] public TimeSpan ProgressEvery { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Status, rename and delete events coalesce into one reload or repaint a quarter-second later.</summary>
    private static readonly TimeSpan FlushAfter = TimeSpan.FromMilliseconds(250);

    private Timer? _flush;
    private Timer? _progressTimer;
    private bool _flushScheduled;

    private const int Repaint = 1;
    private const int Reload = 2;

    /// <summary>On the bus's queue for this page. Progress is kept under a lock for the next progress tick; the rare
    /// events patch rows under the page's dispatcher.</summary>
    private Task OnEvent(RunEvent e)
    {
        if (e is RunProgressChanged p)
        {
            lock (_pendingProgress) _pendingProgress[p.RunId] = p.Progress;
            return Task.CompletedTask;
        }
        return InvokeAsync(() =>
        {
            var index = IndexOf(e.RunId);
            var needs = e switch
            {
                RunMetadataChanged m when index >= 0 && !FiltersOnMetadata =>
                    Patch(index, r => r with { Name = m.Name, Tags = m.Tags, Notes = m.Notes, SlowMotionMs = m.SlowMotionMs }),
                RunStatusChanged when index >= 0 && !FiltersOnStatus => Patch(index, r => Fresh(r.Id) ?? r), // with its summary
                _ => Reload,
            };
            _dirty = Math.Max(_dirty, needs);
            if (_flushScheduled) return;
            _flushScheduled = true;
            _flush?.Change(FlushAfter, Timeout.InfiniteTimeSpan);
        });
    }

    /// <summary>The coalesced reload or repaint (the page's dispatcher only: no other thread touches the flags).</summary>
    private void Flush()
    {
        var dirty = _dirty;
        (_dirty, _flushScheduled) = (0, false);
        if (dirty == Reload) Load();
        if (dirty != 0) StateHasChanged();
    }

    /// <summary>Every <see cref="ProgressEvery"/>, on the timer's thread: dispatches only if a run ticked, and then
    /// repaints only the status cells of the runs shown (each cell alone).</summary>
    private void ApplyProgress()
    {
        KeyValuePair<string, RunProgress>[] ticked;
        lock (_pendingProgress)
        {
            if (_pendingProgress.Count == 0) return;
            ticked = [.. _pendingProgress];
            _pendingProgress.Clear();
        }
        _ = InvokeAsync(() =>
        {
            foreach (var (runId, progress) in ticked)
                if (IndexOf(runId) >= 0) _progress.Set(runId, progress);
        });
    }

    /// <summary>A status change can move a run in or out of a status filter, or change its place in a status
    /// sort; a finished run gets its summary (the key metric): those reload.</summary>
    private bool FiltersOnStatus => !string.IsNullOrEmpty(Status)
        || CurrentSort.Field is RunSortField.Status or RunSortField.Duration or RunSortField.Summary;

    private bool FiltersOnMetadata => !string.IsNullOrEmpty(Q) || !string.IsNullOrEmpty(Tag) || CurrentSort.Field == RunSortField.Name;

    private RunSort CurrentSort => RunSort.Parse(Sort) ?? RunSort.Default;

    /// <summary>What the key-metric column sorts by: the filtered kind's own number (a VAE's ELBO, an autoencoder's
    /// MSE), the student's accuracy when kinds are mixed.</summary>
    private string KeyMetricKey => Kind switch
    {
        ExperimentKinds.Vae or ExperimentKinds.Cvae => "test.elbo",
        ExperimentKinds.Autoencoder => "test.mse",
        ExperimentKinds.Gan or ExperimentKinds.Cgan or ExperimentKinds.VaeGan => "g.loss",
        ExperimentKinds.TextGan => "bleu4",
        _ => "student.test_accuracy",
    };

    private int IndexOf(string runId)
    {
        var items = _page.Items;
        for (var i = 0; i < items.Count; i++)
            if (items[i].Id == runId) return i;
        return -1;
    }

    private RunDto? Fresh(string runId)
    {
        lock (_pendingProgress) _pendingProgress.Remove(runId);
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
        var page = Service.Query(new RunQuery(Kind, status, Tag, Q, Sort, ((PageNumber ?? 1) - 1) * PageSize, PageSize));
        if (page.Items.Count == 0 && page.Total > 0 && PageNumber > 1)
            page = Service.Query(new RunQuery(Kind, status, Tag, Q, Sort, (page.Total - 1) / PageSize * PageSize, PageSize)); // runs were deleted under a link's page
        _page = page;
        _allTags = Service.AllTags();
    }

    /// <summary>A new filter or sort starts again at page 1.</summary>
    private void Navigate(string key, string? value) =>
        Nav.NavigateTo(Nav.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            [key] = string.IsNullOrEmpty(value) ? null : value,
            ["page"] = null,
        }), replace: true);

    private void SetPage(int page) => Nav.NavigateTo(Nav.GetUriWithQueryParameter("page", page <= 1 ? null : page));

    private Task SetTextAsync(string? value)
    {
        Navigate("q", value);
        return Task.CompletedTask;
    }

    private void SetKind(string? value) => Navigate("kind", value);
    private void SetStatus(string? value) => Navigate("status", value);
    private void SetTag(string? value) => Navigate("tag", value);
    private void SetSort(string? value) => Navigate("sort", value == "-createdAt" ? null : value);

    private void ClearSelection() => _selected.Clear();

    public void Dispose()
    {
        _subscription?.Dispose();
        _flush?.Dispose();
        _progressTimer?.Dispose();
    }
}

/// <summary>Runs are the same run when their ids match, whatever their progress: keeps selections across live reloads.</summary>
public sealed class RunIdComparer : IEqualityComparer<RunDto>
{
    public static RunIdComparer Instance { get; } = new();
    public bool Equals(RunDto? x, RunDto? y) => x?.Id == y?.Id;
    public int GetHashCode(RunDto obj) => obj.Id.GetHashCode(StringComparison.Ordinal);
}
