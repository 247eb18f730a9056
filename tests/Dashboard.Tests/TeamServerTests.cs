using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Vinula.Shared;
using Vinula.Shared.Events;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Tests;

/// <summary>
/// The team mode across real processes (a run asking for cuda waits for a GPU worker): PostgreSQL (runs and the job queue) and Redis (events, commands, the SignalR
/// backplane), two dashboards and two workers, each a child process. A run queued through dashboard A trains on a
/// worker; a SignalR client of dashboard B sees its live events; pause, step, go on and cancel from B reach the worker;
/// a worker killed mid-run
/// leaves its run interrupted, and the run resumes on the other worker with no metric lost.
/// </summary>
public sealed class TeamServerTests
{
    [Fact]
    public async Task ARunQueuedOnOneDashboardTrainsOnAWorkerStreamsToTheOtherIsControlledFromThereAndOutlivesItsWorker()
    {
        using var schema = new PostgresTestSchema();
        RedisTestServer.Require();
        var team = new Dictionary<string, string>
        {
            ["Deployment__Mode"] = "Team",
            ["Deployment__PostgreSql"] = schema.ConnectionString,
            ["Deployment__JobSchema"] = new NpgsqlConnectionStringBuilder(schema.ConnectionString).SearchPath!,
            ["Deployment__Redis"] = RedisTestServer.Configuration,
            ["Deployment__RedisPrefix"] = $"vinula-test-{Guid.NewGuid():N}",
            ["Deployment__WorkerTimeoutSeconds"] = "3",
        };
        await using var a = AppProcess.Start("Vinula.Dashboard.dll", team);
        await using var b = AppProcess.Start("Vinula.Dashboard.dll", team);
        await using var first = AppProcess.StartWorker(new Dictionary<string, string>(team) { ["Deployment__WorkerName"] = "w1" });
        await using var second = AppProcess.StartWorker(new Dictionary<string, string>(team) { ["Deployment__WorkerName"] = "w2" });
        var workers = new Dictionary<string, AppProcess> { ["w1"] = first, ["w2"] = second };
        await Task.WhenAll(a.WaitUntilHealthyAsync(TimeSpan.FromSeconds(90)), b.WaitUntilHealthyAsync(TimeSpan.FromSeconds(90)),
            first.WaitForOutputAsync("Worker w1 serves the queues cpu", TimeSpan.FromSeconds(90)),
            second.WaitForOutputAsync("Worker w2 serves the queues cpu", TimeSpan.FromSeconds(90)));

        // A browser's SignalR client on dashboard B.
        await using var hub = new HubConnectionBuilder()
            .WithUrl($"http://127.0.0.1:{b.Port}/hubs/runs")
            .AddJsonProtocol(o => VinulaJson.Configure(o.PayloadSerializerOptions))
            .Build();
        var statuses = new ConcurrentQueue<RunStatusChanged>();
        var metrics = new ConcurrentQueue<MetricsAppended>();
        hub.On<RunStatusChanged>(nameof(IRunsClient.RunStatusChanged), statuses.Enqueue);
        hub.On<MetricsAppended>(nameof(IRunsClient.MetricsAppended), metrics.Enqueue);
        await hub.StartAsync();

        // A run that asks for cuda waits for a GPU worker: these two serve the cpu queue only.
        var gpu = await a.CreateAsync("""{ "kind": "vae", "config": { "device": "cuda" } }""");
        await Task.Delay(3000);
        Assert.Equal(RunStatus.Queued, (await b.GetAsync(gpu.Id)).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await b.Http.PostAsync($"api/runs/{gpu.Id}/cancel", null)).StatusCode);
        Assert.Equal(RunStatus.Cancelled, (await a.GetAsync(gpu.Id)).Status);

        // Queued through A, trained on a worker, seen live through B; cancelled from B.
        var cancelled = await a.CreateAsync(ProcessRuns.LongDistill);
        await hub.InvokeAsync("Subscribe", cancelled.Id);
        await Until(() => metrics.Any(m => m.RunId == cancelled.Id && m.Points.Count > 0), "B's client saw no metrics of the run", 90);
        var training = await a.GetAsync(cancelled.Id);
        Assert.Equal(RunStatus.Running, training.Status);
        Assert.Contains(training.Worker, workers.Keys);
        // Pause, step and go on, from B: the worker that holds the run obeys.
        Assert.Equal(HttpStatusCode.Accepted, (await b.Http.PostAsync($"api/runs/{cancelled.Id}/pause", null)).StatusCode);
        var paused = await a.WaitForAsync(cancelled.Id, r => r.Status == RunStatus.Paused, 30);
        await Task.Delay(500);
        Assert.Equal(paused.Progress.Step, (await a.GetAsync(cancelled.Id)).Progress.Step); // a paused run takes no step
        Assert.Equal(HttpStatusCode.Accepted, (await b.Http.PostAsync($"api/runs/{cancelled.Id}/step?count=3", null)).StatusCode);
        var stepped = await a.WaitForAsync(cancelled.Id, r => r.Status == RunStatus.Paused && r.Progress.Step != paused.Progress.Step, 30);
        Assert.Equal(paused.Progress.Step + 3, stepped.Progress.Step);
        Assert.Equal(HttpStatusCode.Accepted, (await b.Http.PostAsync($"api/runs/{cancelled.Id}/resume", null)).StatusCode);
        await a.WaitForAsync(cancelled.Id, r => r.Status == RunStatus.Running && r.Progress.Step > stepped.Progress.Step, 30);
        Assert.Contains(statuses, s => s.RunId == cancelled.Id && s.Status == RunStatus.Paused); // B's client heard the pause

        Assert.Equal(HttpStatusCode.Accepted, (await b.Http.PostAsync($"api/runs/{cancelled.Id}/cancel", null)).StatusCode);
        await Until(() => statuses.Any(s => s.RunId == cancelled.Id && s.Status == RunStatus.Cancelled), "B's client never heard the cancel", 30);
        Assert.Equal(RunStatus.Cancelled, (await a.GetAsync(cancelled.Id)).Status);

        // A worker killed mid-run: the run is interrupted, then resumes on the other worker from its checkpoint.
        var run = await a.CreateAsync(ProcessRuns.LongDistill);
        var running = await a.WaitForAsync(run.Id, r => r.Status == RunStatus.Running && r.Progress.Step > 40, 90);
        var holder = running.Worker!;
        var other = workers.Keys.Single(w => w != holder);
        var before = await a.StepsAsync(run.Id);
        workers[holder].Kill();

        var interrupted = await b.WaitForAsync(run.Id, r => r.Status == RunStatus.Interrupted, 30);
        Assert.Equal(RunStatus.Interrupted, interrupted.Status);
        Assert.Contains($"worker {holder} stopped answering", interrupted.Error);
        Assert.Contains("Resume continues from the last checkpoint", interrupted.Error);
        var kept = await b.StepsAsync(run.Id);
        ProcessRuns.AssertKept(before, kept);

        Assert.Equal(HttpStatusCode.Accepted, (await b.Http.PostAsync($"api/runs/{run.Id}/resume", null)).StatusCode);
        var epochsBefore = kept["teacher/test_accuracy"].Length;
        var resumed = await a.WaitForAsync(run.Id, r => r.Status == RunStatus.Running && r.Progress.Step > ProcessRuns.StepsPerEpoch * (epochsBefore + 2), 90);
        Assert.Equal(other, resumed.Worker);
        await a.Http.PostAsync($"api/runs/{run.Id}/cancel", null);
        await a.WaitForAsync(run.Id, r => r.Status.IsFinished(), 30);

        ProcessRuns.AssertEveryEpochOnce(await a.StepsAsync(run.Id), epochsBefore);
    }

    [Theory]
    [InlineData("Vinula.Dashboard.dll", "Vinula could not start")]
    [InlineData("Vinula.Worker.dll", "Vinula worker could not start")]
    public async Task ATeamProcessWithoutItsServicesStopsWithAMessageNamingTheKeys(string app, string prefix)
    {
        await using var process = AppProcess.Start(app, new Dictionary<string, string> { ["Deployment__Mode"] = "Team" });
        await process.AssertStopsWithMessageAsync($"{prefix}: Deployment:PostgreSql is empty", "Deployment:Redis is empty");
    }

    [Fact]
    public async Task AWorkerRefusesToStartOutsideATeam()
    {
        await using var worker = AppProcess.StartWorker(new Dictionary<string, string>());
        await worker.AssertStopsWithMessageAsync("A worker serves a team: set Deployment:Mode to Team");
    }

    private static async Task Until(Func<bool> condition, string failure, int seconds)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail(failure);
            await Task.Delay(100);
        }
    }
}
