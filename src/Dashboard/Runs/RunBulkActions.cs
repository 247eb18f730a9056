using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Runs;

/// <summary>
/// Retag or delete many runs at once, each through <see cref="RunService"/>'s own rules (a running run is refused,
/// never silently skipped), so the API and the Runs page's bulk bar answer the same per run.
/// </summary>
public sealed class RunBulkActions(RunService runs)
{
    public const int MaxIds = 500;

    public IReadOnlyList<BulkRunOutcome> Apply(BulkRunsRequest request)
    {
        var outcomes = new List<BulkRunOutcome>(request.Ids.Count);
        foreach (var id in request.Ids.Distinct(StringComparer.Ordinal))
            outcomes.Add(request.Delete ? Delete(id) : Retag(id, request.AddTags ?? [], request.RemoveTags ?? []));
        return outcomes;
    }

    private BulkRunOutcome Delete(string id)
    {
        var outcome = runs.Delete(id);
        return outcome.IsNotFound ? new(id, "notFound", $"No run '{id}' exists.")
            : outcome.ConflictMessage is { } message ? new(id, "conflict", message)
            : new(id, "deleted");
    }

    private BulkRunOutcome Retag(string id, IReadOnlyList<string> add, IReadOnlyList<string> remove)
    {
        if (runs.Get(id) is not { } run) return new(id, "notFound", $"No run '{id}' exists.");
        var tags = run.Tags.Where(t => !remove.Contains(t, StringComparer.OrdinalIgnoreCase)).ToList();
        tags.AddRange(add.Where(t => !tags.Contains(t.Trim(), StringComparer.OrdinalIgnoreCase)));
        var outcome = runs.Update(id, new UpdateRunRequest(Tags: tags));
        if (outcome.IsNotFound) return new(id, "notFound", $"No run '{id}' exists.");
        if (outcome.Errors is { } errors) return new(id, "invalid", string.Join(" ", errors.Values.SelectMany(v => v).Distinct()));
        return outcome.ConflictMessage is { } message ? new(id, "conflict", message) : new(id, "updated");
    }
}
