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
        // Any event may change the list; reload at most twice a second, off the training thread.
        _subscription = Bus.Subscribe(e =>
        {
            if (e is RunStatusChanged or RunDeleted) Interlocked.Exchange(ref _dirty, 1);
        });
        _refresh = new Timer(_ =>
        {
            if (Interlocked.Exchange(ref _dirty, 0) == 1)
                _ = InvokeAsync(() => { Load(); StateHasChanged(); });
        }, null, 500, 500);
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
