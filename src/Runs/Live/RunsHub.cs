using Microsoft.AspNetCore.SignalR;
using Vinula.Shared.Events;

namespace Vinula.Runs.Live;

/// <summary>
/// <c>/hubs/runs</c>: clients subscribe to one run's events, or to every run's status and progress (the Runs page).
/// The server only pushes (<see cref="HubRelay"/>). A status-like event goes to <see cref="AllRunsGroup"/> and to
/// the run's <see cref="StatusGroup"/>, which holds the run's subscribers that are not all-run subscribers: a client
/// in both hears it once, and the sender needs no list of connections, so any process of a team can send it (through
/// the Redis backplane) to clients connected to any dashboard.
/// </summary>
public sealed class RunsHub : Hub<IRunsClient>
{
    public const string Path = "/hubs/runs";
    public const string AllRunsGroup = "runs:all";

    /// <summary>Every event of one run.</summary>
    public static string RunGroup(string runId) => $"run:{runId}";

    /// <summary>One run's status, progress, metadata and deletion, for its subscribers outside <see cref="AllRunsGroup"/>.</summary>
    public static string StatusGroup(string runId) => $"status:{runId}";

    public async Task Subscribe(string runId)
    {
        var state = State;
        state.Runs.Add(runId);
        await Groups.AddToGroupAsync(Context.ConnectionId, RunGroup(runId));
        if (!state.AllRuns) await Groups.AddToGroupAsync(Context.ConnectionId, StatusGroup(runId));
    }

    public async Task Unsubscribe(string runId)
    {
        State.Runs.Remove(runId);
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, RunGroup(runId));
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, StatusGroup(runId));
    }

    public async Task SubscribeAll()
    {
        var state = State;
        state.AllRuns = true;
        await Groups.AddToGroupAsync(Context.ConnectionId, AllRunsGroup);
        foreach (var runId in state.Runs) await Groups.RemoveFromGroupAsync(Context.ConnectionId, StatusGroup(runId));
    }

    public async Task UnsubscribeAll()
    {
        var state = State;
        state.AllRuns = false;
        foreach (var runId in state.Runs) await Groups.AddToGroupAsync(Context.ConnectionId, StatusGroup(runId));
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, AllRunsGroup);
    }

    /// <summary>What this connection subscribed to. A connection's hub calls run one at a time (SignalR's default of one
    /// parallel invocation per client), so its state needs no lock.</summary>
    private Subscriptions State =>
        Context.Items.TryGetValue(typeof(Subscriptions), out var state) ? (Subscriptions)state!
        : (Subscriptions)(Context.Items[typeof(Subscriptions)] = new Subscriptions());

    private sealed class Subscriptions
    {
        public HashSet<string> Runs { get; } = new(StringComparer.Ordinal);
        public bool AllRuns { get; set; }
    }
}
