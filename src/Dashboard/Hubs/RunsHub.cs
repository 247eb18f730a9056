using Microsoft.AspNetCore.SignalR;
using Vinula.Shared.Events;

namespace Vinula.Dashboard.Hubs;

/// <summary>
/// <c>/hubs/runs</c>: clients subscribe to one run's events, or to every run's status and progress (the
/// Runs page). The server only pushes; see <see cref="HubRelay"/>.
/// </summary>
public sealed class RunsHub : Hub<IRunsClient>
{
    public const string Path = "/hubs/runs";
    public const string AllRunsGroup = "runs:all";

    public static string RunGroup(string runId) => $"run:{runId}";

    public Task Subscribe(string runId) => Groups.AddToGroupAsync(Context.ConnectionId, RunGroup(runId));

    public Task Unsubscribe(string runId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, RunGroup(runId));

    public Task SubscribeAll() => Groups.AddToGroupAsync(Context.ConnectionId, AllRunsGroup);

    public Task UnsubscribeAll() => Groups.RemoveFromGroupAsync(Context.ConnectionId, AllRunsGroup);
}
