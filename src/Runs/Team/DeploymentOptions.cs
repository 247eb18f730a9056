using Vinula.Shared.Experiments;

namespace Vinula.Runs.Team;

/// <summary>How Vinula is deployed.</summary>
public enum DeploymentMode
{
    /// <summary>One process: the dashboard trains runs itself and keeps them in a LiteDB file. No services.</summary>
    Embedded,

    /// <summary>Dashboards and workers share PostgreSQL (runs, and the job queue) and Redis (events, commands, the
    /// SignalR backplane).</summary>
    Team,
}

/// <summary>The <c>Deployment</c> configuration section: which mode, the team's services, and this process's part.</summary>
public sealed class DeploymentOptions
{
    public const string SectionName = "Deployment";

    public DeploymentMode Mode { get; set; } = DeploymentMode.Embedded;

    /// <summary>Whether this process trains runs. Workers always do; a team's dashboard may too (it then takes
    /// jobs from <see cref="Queues"/> like a worker). Ignored in the embedded mode, where the dashboard trains.</summary>
    public bool RunEngine { get; set; }

    /// <summary>Npgsql connection string of the team's database (runs, metrics, artifacts, checkpoints, and the
    /// job queue in its own <c>hangfire</c> schema).</summary>
    public string PostgreSql { get; set; } = "";

    /// <summary>StackExchange.Redis configuration string (<c>host:port</c>, options after commas).</summary>
    public string Redis { get; set; } = "";

    /// <summary>Names Vinula's channels and keys on Redis (<c>{prefix}:events</c>, …), so two teams, or a test, can
    /// share one Redis server.</summary>
    public string RedisPrefix { get; set; } = "vinula";

    /// <summary>The PostgreSQL schema of the job queue (Hangfire's tables).</summary>
    public string JobSchema { get; set; } = "hangfire";

    /// <summary>The job queues this process's engine takes runs from: <c>cpu</c> (runs that ask for <c>cpu</c> or
    /// <c>auto</c>) and <c>cuda</c> (runs that ask for <c>cuda</c>). A GPU worker takes both.
    /// Empty means <c>cpu</c>. (Not a default of <c>["cpu"]</c>: the configuration binder appends to an array's
    /// defaults, so a configured <c>["cuda"]</c> would have become <c>cpu, cuda</c>.)</summary>
    public string[] Queues { get; set; } = [];

    /// <summary>The queues this process serves, each once.</summary>
    public string[] ServedQueues => Queues.Length == 0 ? ["cpu"] : [.. Queues.Select(q => q.Trim().ToLowerInvariant()).Distinct()];

    /// <summary>This worker's name, stored on the runs it trains; empty = <c>host:pid</c>. Unique in the team.</summary>
    public string WorkerName { get; set; } = "";

    /// <summary>The name this process trains under in a team: the configured one, or <c>host:pid</c> (unique on a
    /// machine and across restarts); null in the embedded mode.</summary>
    public string? Worker => !IsTeam ? null
        : string.IsNullOrWhiteSpace(WorkerName) ? $"{Environment.MachineName}:{Environment.ProcessId}" : WorkerName.Trim();

    /// <summary>A worker that has not been heard from for this long is taken for dead: its runs become
    /// <c>interrupted</c>, resumable on another worker from their last checkpoint.</summary>
    public double WorkerTimeoutSeconds { get; set; } = 10;

    public bool IsTeam => Mode == DeploymentMode.Team;

    /// <summary>The job queue of a run that asked for <paramref name="device"/>.</summary>
    public static string QueueFor(DeviceChoice device) => device == DeviceChoice.Cuda ? "cuda" : "cpu";

    /// <summary>What is missing for the team mode, in words naming the keys; empty when nothing is.</summary>
    public IReadOnlyList<string> Problems()
    {
        if (!IsTeam) return [];
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(PostgreSql)) problems.Add("Deployment:PostgreSql is empty: the team mode needs the PostgreSQL connection string.");
        if (string.IsNullOrWhiteSpace(Redis)) problems.Add("Deployment:Redis is empty: the team mode needs the Redis server (host:port).");
        foreach (var queue in ServedQueues)
            if (queue is not ("cpu" or "cuda")) problems.Add($"Deployment:Queues has '{queue}': the queues are 'cpu' and 'cuda'.");
        if (WorkerTimeoutSeconds < 3) problems.Add("Deployment:WorkerTimeoutSeconds must be at least 3 (workers beat every second).");
        return problems;
    }
}

/// <summary>The <c>Deployment</c> section cannot work; the message names the keys. The host prints it and exits.</summary>
public sealed class DeploymentException(string message) : Exception(message);
