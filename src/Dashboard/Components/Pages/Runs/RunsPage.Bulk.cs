using Microsoft.AspNetCore.Components;
using MudBlazor;
using Vinula.Dashboard.Runs;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Components.Pages.Runs;

/// <summary>The bulk bar: tag, untag or delete the selected runs through <see cref="RunBulkActions"/>, the same rules
/// and per-run answers as <c>POST /api/runs/bulk</c>. Refusals are shown, never skipped in silence.</summary>
public partial class RunsPage
{
    [Inject] private RunBulkActions Bulk { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;

    private string? _bulkTag;
    private string? _bulkMessage;

    private void AddTag() => Retag(new BulkRunsRequest(SelectedIds(), AddTags: [_bulkTag!.Trim()]));

    private void RemoveTag() => Retag(new BulkRunsRequest(SelectedIds(), RemoveTags: [_bulkTag!.Trim()]));

    private void Retag(BulkRunsRequest request)
    {
        if (request.Ids.Count == 0) return;
        Report(Bulk.Apply(request), "retagged");
        _allTags = Service.AllTags();
    }

    private async Task DeleteSelectedAsync()
    {
        var ids = SelectedIds();
        if (ids.Count == 0) return;
        var confirmed = await Dialogs.ShowMessageBoxAsync("Delete runs",
            $"Delete {ids.Count} run{(ids.Count == 1 ? "" : "s")} with all their metrics, images and checkpoints? This cannot be undone.",
            yesText: "Delete", cancelText: "Keep");
        if (confirmed != true) return;
        var outcomes = Bulk.Apply(new BulkRunsRequest(ids, Delete: true));
        _selected.RemoveWhere(r => outcomes.Any(o => o.Id == r.Id && o.Succeeded));
        Report(outcomes, "deleted");
    }

    /// <summary>Nothing to say when every run succeeded (the rows show it); otherwise which runs were refused and why.</summary>
    private void Report(IReadOnlyList<BulkRunOutcome> outcomes, string verb)
    {
        var refused = outcomes.Where(o => !o.Succeeded).ToList();
        _bulkMessage = refused.Count == 0 ? null
            : $"{refused.Count} of {outcomes.Count} runs not {verb}: " + string.Join(" ", refused.Select(o => o.Message));
    }

    private List<string> SelectedIds() => [.. _selected.Select(r => r.Id)];
}
