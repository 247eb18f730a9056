using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Vinula.Runs.Team;

/// <summary>
/// The team's Redis connection (one multiplexer per process, as StackExchange.Redis wants) and the names Vinula
/// uses on it: the event channel, the command channel and the workers' heartbeat keys. The SignalR backplane has
/// its own connection and channel prefix (<see cref="SignalRPrefix"/>).
/// </summary>
public sealed class TeamRedis(IOptions<DeploymentOptions> options) : IDisposable
{
    private readonly string _prefix = options.Value.RedisPrefix;

    public RedisChannel Events => RedisChannel.Literal($"{_prefix}:events");

    public RedisChannel Commands => RedisChannel.Literal($"{_prefix}:commands");

    public static string SignalRPrefix(DeploymentOptions deployment) => $"{deployment.RedisPrefix}:signalr";

    private readonly Lazy<ConnectionMultiplexer> _connection = new(() => Connect(options.Value.Redis));

    /// <summary>Tells this process's events from others' when they come back from <see cref="Events"/>.</summary>
    public string Origin { get; } = Guid.NewGuid().ToString("N");

    public ISubscriber Subscriber => _connection.Value.GetSubscriber();

    public IDatabase Database => _connection.Value.GetDatabase();

    public RedisKey WorkerKey(string worker) => $"{_prefix}:worker:{worker}";

    private static ConnectionMultiplexer Connect(string configuration)
    {
        var config = ConfigurationOptions.Parse(configuration);
        // Keep trying in the background after a lost connection instead of failing the process.
        config.AbortOnConnectFail = false;
        return ConnectionMultiplexer.Connect(config);
    }

    public void Dispose()
    {
        if (_connection.IsValueCreated) _connection.Value.Dispose();
    }
}
