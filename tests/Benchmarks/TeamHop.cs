using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Vinula.Dashboard.Tests;
using Vinula.Engine.Hosting;
using Vinula.Shared;
using Vinula.Shared.Events;
using Vinula.Shared.Runs;

namespace Vinula.Benchmarks;

/// <summary>
/// What the team mode's extra hop costs, beside the embedded mode on the same job, as real processes on this machine:
/// <list type="bullet">
/// <item><b>Embedded</b>: one dashboard (LiteDB, training in process); the SignalR client and the run on it.</item>
/// <item><b>Team</b>: dashboards A and B and one worker on PostgreSQL and Redis; the run queued through A, trained on
/// the worker, the client on B (worker → Redis backplane → B → client).</item>
/// </list>
/// Event → client: a metric batch's arrival minus its last point's <c>Time</c> (stamped on the training thread when the
/// step recorded it, so it includes the sink's batching, up to 250 ms, in both modes alike; one machine's clock).
/// Start: from <c>POST /api/runs</c> to the run's status reading <c>running</c> (polled every 20 ms).
/// Runs list: <c>GET /api/runs?take=50</c> on a store holding <c>runs</c> finished runs, after 10 warm-up calls.
/// Rounds alternate the modes. Needs the PostgreSQL and Redis of the tests (<c>VINULA_TEST_POSTGRES</c>,
/// <c>VINULA_TEST_REDIS</c>, README). <c>dotnet run -c Release --project tests/Benchmarks -- team [rounds] [seconds] [runs]</c>.
/// </summary>
public static class TeamHop
{
    private const string Distill =
        """{ "kind": "distill", "config": { "epochs": 300, "trainSize": 2000, "trainBaseline": false, "teacher": { "model": "mlp", "hidden": [64], "epochs": null } } }""";

    public static async Task RunAsync(int rounds, int seconds, int runs)
    {
        var events = new Dictionary<string, List<double>> { ["embedded"] = [], ["team"] = [] };
        var starts = new Dictionary<string, List<double>> { ["embedded"] = [], ["team"] = [] };
        var lists = new Dictionary<string, List<double>> { ["embedded"] = [], ["team"] = [] };
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var mode in new[] { "embedded", "team" })
            {
                var (e, start, l) = mode == "embedded" ? await EmbeddedAsync(seconds, runs) : await TeamAsync(seconds, runs);
                events[mode].AddRange(e);
                starts[mode].Add(start);
                lists[mode].AddRange(l);
                Console.WriteLine($"round {round} {mode}: {e.Count} metric batches, list p50 {l.Order().ElementAt(l.Count / 2):0.0} ms");
            }
        }
        Console.WriteLine($"{"",-44} {"n",7} {"p50",8} {"p95",8} {"max",8}");
        foreach (var mode in events.Keys)
        {
            LiveLatency.Report($"{mode}: POST /api/runs → running (ms)", [.. starts[mode]]);
            LiveLatency.Report($"{mode}: metric batch → SignalR client (ms)", [.. events[mode]]);
            LiveLatency.Report($"{mode}: GET /api/runs?take=50 of {runs:N0} (ms)", [.. lists[mode]]);
        }
    }

    private static async Task<(List<double>, double, List<double>)> EmbeddedAsync(int seconds, int runs)
    {
        var database = Path.Combine(Path.GetTempPath(), $"vinula-hop-{Guid.NewGuid():N}.db");
        try
        {
            using (var store = new LiteRunStore(database)) Fill(store, runs);
            await using var app = AppProcess.Start(database);
            await app.WaitUntilHealthyAsync(TimeSpan.FromSeconds(90));
            var (events, start) = await EventsAsync(app, app, seconds);
            return (events, start, await ListAsync(app));
        }
        finally
        {
            foreach (var file in new[] { database, Path.ChangeExtension(database, null) + "-log.db" })
                if (File.Exists(file)) File.Delete(file);
        }
    }

    private static async Task<(List<double>, double, List<double>)> TeamAsync(int seconds, int runs)
    {
        var server = Environment.GetEnvironmentVariable("VINULA_TEST_POSTGRES") is { Length: > 0 } configured
            ? configured : "Host=127.0.0.1;Port=5432;Username=vinula;Password=vinula;Database=vinula_test";
        var schema = $"vinula_hop_{Guid.NewGuid():N}";
        Execute(server, $"CREATE SCHEMA {schema}");
        try
        {
            var connection = new NpgsqlConnectionStringBuilder(server) { SearchPath = schema }.ConnectionString;
            using (var store = new PostgresRunStore(connection)) Fill(store, runs);
            var team = new Dictionary<string, string>
            {
                ["Deployment__Mode"] = "Team",
                ["Deployment__PostgreSql"] = connection,
                ["Deployment__JobSchema"] = schema,
                ["Deployment__Redis"] = Environment.GetEnvironmentVariable("VINULA_TEST_REDIS") is { Length: > 0 } redis ? redis : "127.0.0.1:6379",
                ["Deployment__RedisPrefix"] = schema,
            };
            await using var a = AppProcess.Start("Vinula.Dashboard.dll", team);
            await using var b = AppProcess.Start("Vinula.Dashboard.dll", team);
            await using var worker = AppProcess.StartWorker(new Dictionary<string, string>(team) { ["Deployment__WorkerName"] = "bench" });
            await Task.WhenAll(a.WaitUntilHealthyAsync(TimeSpan.FromSeconds(90)), b.WaitUntilHealthyAsync(TimeSpan.FromSeconds(90)),
                worker.WaitForOutputAsync("serves the queues", TimeSpan.FromSeconds(90)));
            var (events, start) = await EventsAsync(a, b, seconds);
            return (events, start, await ListAsync(b));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            Execute(server, $"DROP SCHEMA IF EXISTS {schema} CASCADE");
        }
    }

    /// <summary>Finished runs with a summary, as a team's history holds.</summary>
    private static void Fill(IRunStore store, int runs)
    {
        var start = DateTime.UtcNow.AddDays(-30);
        for (var i = 0; i < runs; i++)
        {
            var run = new RunDocument
            {
                Id = $"hist-{i:00000}", Name = $"history {i}", Kind = i % 2 == 0 ? "distill" : "vae", CreatedAt = start.AddMinutes(i),
                StartedAt = start.AddMinutes(i), FinishedAt = start.AddMinutes(i + 1), Tags = [i % 3 == 0 ? "baseline" : "sweep"],
                Summary = new() { ["student.test_accuracy"] = 0.9 + i % 100 / 1000.0 },
            };
            run.SetStatus(RunStatus.Completed, run.FinishedAt.Value);
            store.Insert(run);
        }
    }

    /// <summary>A run created on <paramref name="creator"/> for <paramref name="seconds"/>, watched by a SignalR client
    /// of <paramref name="watcher"/>.</summary>
    private static async Task<(List<double> Events, double StartMs)> EventsAsync(AppProcess creator, AppProcess watcher, int seconds)
    {
        var latencies = new ConcurrentQueue<double>();
        await using var hub = new HubConnectionBuilder().WithUrl($"http://127.0.0.1:{watcher.Port}/hubs/runs")
            .AddJsonProtocol(o => VinulaJson.Configure(o.PayloadSerializerOptions)).Build();
        hub.On<MetricsAppended>(nameof(IRunsClient.MetricsAppended), m =>
        {
            var arrived = DateTime.UtcNow;
            if (m.Points.Count > 0) latencies.Enqueue((arrived - m.Points.Max(p => p.Time)).TotalMilliseconds);
        });
        await hub.StartAsync();
        var posted = Stopwatch.StartNew();
        var response = await creator.Http.PostAsync("api/runs", new StringContent(Distill, Encoding.UTF8, "application/json"));
        var run = (await response.Content.ReadFromJsonAsync<RunDto>(VinulaJson.Options))!;
        await hub.InvokeAsync("Subscribe", run.Id);
        while ((await creator.Http.GetFromJsonAsync<RunDto>($"api/runs/{run.Id}", VinulaJson.Options))!.Status == RunStatus.Queued)
            await Task.Delay(20);
        var start = posted.Elapsed.TotalMilliseconds;
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        await creator.Http.PostAsync($"api/runs/{run.Id}/cancel", null);
        await Task.Delay(1000);
        return ([.. latencies], start);
    }

    private static async Task<List<double>> ListAsync(AppProcess app)
    {
        var times = new List<double>();
        for (var i = 0; i < 60; i++)
        {
            var clock = Stopwatch.StartNew();
            await app.Http.GetStringAsync("api/runs?take=50");
            if (i >= 10) times.Add(clock.Elapsed.TotalMilliseconds);
        }
        return times;
    }

    private static void Execute(string server, string sql)
    {
        using var connection = new NpgsqlConnection(server);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
