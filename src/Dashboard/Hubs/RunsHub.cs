using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Vinula.Shared.Events;

namespace Vinula.Dashboard.Hubs;

/// <summary>
/// <c>/hubs/runs</c>: clients subscribe to one run's events, or to every run's status and progress (the
/// Runs page). The server only pushes; see <see cref="HubRelay"/>.
/// </summary>
public sealed class RunsHub(AllRunsSubscribers allRuns) : Hub<IRunsClient>
{
    public const string Path = "/hubs/runs";
    public const string AllRunsGroup = "runs:all";

    public static string RunGroup(string runId) => $"run:{runId}";

    public Task Subscribe(string runId) => Groups.AddToGroupAsync(Context.ConnectionId, RunGroup(runId));

    public Task Unsubscribe(string runId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, RunGroup(runId));

    public Task SubscribeAll()
    {
        allRuns.Add(Context.ConnectionId);
        return Groups.AddToGroupAsync(Context.ConnectionId, AllRunsGroup);
    }

    public Task UnsubscribeAll()
    {
        allRuns.Remove(Context.ConnectionId);
        return Groups.RemoveFromGroupAsync(Context.ConnectionId, AllRunsGroup);
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        allRuns.Remove(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }
}

/// <summary>The connections subscribed to every run: a status event goes to them once, and to a run's own
/// group without them, so a client in both hears it once.</summary>
public sealed class AllRunsSubscribers
{
    private readonly ConcurrentDictionary<string, byte> _ids = new(StringComparer.Ordinal);

    public void Add(string connectionId) => _ids[connectionId] = 0;

    public void Remove(string connectionId) => _ids.TryRemove(connectionId, out _);

    public IReadOnlyList<string> Snapshot() => [.. _ids.Keys];
}
