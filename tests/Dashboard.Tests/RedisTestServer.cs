using StackExchange.Redis;

namespace Vinula.Dashboard.Tests;

/// <summary>
/// The Redis server of the team tests, named by <c>VINULA_TEST_REDIS</c> (a StackExchange.Redis configuration,
/// default <c>127.0.0.1:6379</c>). Unreachable, the test is skipped naming how to start it; under CI (<c>CI</c> set)
/// it fails instead. Tests keep apart by a key and channel prefix of their own (<c>Deployment:RedisPrefix</c>).
/// </summary>
public static class RedisTestServer
{
    private static readonly Lazy<string?> Unreachable = new(Probe);

    public static string Configuration => Environment.GetEnvironmentVariable("VINULA_TEST_REDIS") is { Length: > 0 } configured
        ? configured
        : "127.0.0.1:6379";

    /// <summary>Skips (fails under CI) unless the server answers.</summary>
    public static void Require()
    {
        if (Unreachable.Value is not { } why) return;
        var message = $"The test Redis server ({Configuration}) cannot be reached: {why.TrimEnd('.')}. " +
                      "Start one with 'redis-server --port 6379 --save \"\" --daemonize yes' as .ci/run does, or point VINULA_TEST_REDIS at another.";
        if (Environment.GetEnvironmentVariable("CI") is { Length: > 0 }) Assert.Fail(message);
        Assert.Skip(message);
    }

    private static string? Probe()
    {
        try
        {
            var options = ConfigurationOptions.Parse(Configuration);
            options.ConnectTimeout = 3000;
            using var redis = ConnectionMultiplexer.Connect(options);
            redis.GetDatabase().Ping();
            return null;
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ArgumentException)
        {
            return e.Message;
        }
    }
}
