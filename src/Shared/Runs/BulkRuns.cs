namespace Vinula.Shared.Runs;

/// <summary>Body of <c>POST /api/runs/bulk</c>: tags added to and removed from each run, or each run deleted.</summary>
public sealed record BulkRunsRequest(IReadOnlyList<string> Ids, IReadOnlyList<string>? AddTags = null,
    IReadOnlyList<string>? RemoveTags = null, bool Delete = false);

/// <summary>What happened to one run of a bulk request: <c>updated</c>, <c>deleted</c>, <c>conflict</c> (a running
/// run is not deleted), <c>notFound</c> or <c>invalid</c> (too many tags), with the reason.</summary>
public sealed record BulkRunOutcome(string Id, string Outcome, string? Message = null)
{
    public bool Succeeded => Outcome is "updated" or "deleted";
}
