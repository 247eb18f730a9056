using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Vinula.Dashboard.Runs;
using Vinula.Runs.Storage;
using Vinula.Shared;
using Vinula.Shared.Events;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Tests;

/// <summary>The run lifecycle: one state machine, every move through one class, and the live controls
/// (pause, step, slow motion) through the API.</summary>
public class LifecycleTests(VinulaFactory factory) : IClassFixture<VinulaFactory>
{
    /// <summary>queued → running ⇄ paused → completed / failed / cancelled / interrupted; resume re-queues.</summary>
    private static readonly HashSet<(RunStatus, RunStatus)> Legal =
    [
        (RunStatus.Queued, RunStatus.Running), (RunStatus.Queued, RunStatus.Cancelled),
        (RunStatus.Running, RunStatus.Paused), (RunStatus.Running, RunStatus.Completed), (RunStatus.Running, RunStatus.Failed),
        (RunStatus.Running, RunStatus.Cancelled), (RunStatus.Running, RunStatus.Interrupted),
        (RunStatus.Paused, RunStatus.Running), (RunStatus.Paused, RunStatus.Failed), (RunStatus.Paused, RunStatus.Cancelled),
        (RunStatus.Paused, RunStatus.Interrupted),
        (RunStatus.Interrupted, RunStatus.Queued), (RunStatus.Cancelled, RunStatus.Queued),
    ];

    public static TheoryData<RunStatus, RunStatus> AllPairs()
    {
        var data = new TheoryData<RunStatus, RunStatus>();
        foreach (var from in Enum.GetValues<RunStatus>())
            foreach (var to in Enum.GetValues<RunStatus>())
                data.Add(from, to);
        return data;
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public async Task TheLifecycleMovesARunOnlyAlongLegalTransitionsAndAnnouncesEachOnce(RunStatus from, RunStatus to)
    {
        var path = VinulaFactory.NewDatabasePath();
        try
        {
            using var store = new LiteRunStore(path);
            var bus = new RunEventBus(NullLogger<RunEventBus>.Instance);
            var lifecycle = new RunLifecycle(store, bus);
            var run = new RunDocument { Id = "r", Name = "r", Kind = "gan", CreatedAt = DateTime.UtcNow };
            run.SetStatus(from, DateTime.UtcNow);
            store.Insert(run);
            var announced = new TaskCompletionSource<RunEvent>();
            using var subscription = bus.Subscribe(e => announced.TrySetResult(e));

            var moved = lifecycle.Move("r", to, "because");

            Assert.Equal(Legal.Contains((from, to)), moved.Moved);
            Assert.Equal(from, moved.From);
            var stored = store.Get("r")!;
            Assert.Equal(moved.Moved ? to : from, stored.Status);
            if (moved.Moved)
            {
                Assert.Equal(new RunStatusChanged("r", to, stored.Progress, stored.Error), await announced.Task.WaitAsync(TimeSpan.FromSeconds(5)));
                Assert.Equal(to.IsFinished(), stored.FinishedAt is not null);
                Assert.Equal(("because", to), (stored.StatusHistory[^1].Reason, stored.StatusHistory[^1].Status));
            }
            else Assert.NotSame(announced.Task, await Task.WhenAny(announced.Task, Task.Delay(100)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task PauseStepAndResumeDriveALiveGanThroughTheApi()
    {
        var http = factory.CreateClient();
        var run = await CreateAsync(http, """{ "epochs": 40, "trainSize": 2000, "hidden": [64], "latentDim": 16 }""");
        await WaitForAsync(run.Id, r => r.Status == RunStatus.Running && r.Progress.Step > 3);

        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsync($"/api/runs/{run.Id}/pause", null)).StatusCode);
        var paused = await WaitForAsync(run.Id, r => r.Status == RunStatus.Paused);
        Assert.Equal(RunStatus.Paused, paused.Status);
        var at = paused.Progress.Step;

        // Paused means paused: nothing trains while it waits.
        Assert.Equal(HttpStatusCode.Conflict, (await http.PostAsync($"/api/runs/{run.Id}/pause", null)).StatusCode);
        Assert.Equal(at, (await GetAsync(http, run.Id)).Progress.Step);

        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsync($"/api/runs/{run.Id}/step?count=3", null)).StatusCode);
        var stepped = await WaitForAsync(run.Id, r => r.Status == RunStatus.Paused && r.Progress.Step != at);
        Assert.Equal(at + 3, stepped.Progress.Step);
        Assert.Contains(stepped.StatusHistory, h => h.Reason == "stepping");
        // The curves reach the paused step: the window's partial mean is pushed before the pause.
        var series = JsonDocument.Parse(await http.GetStringAsync($"/api/runs/{run.Id}/metrics")).RootElement.GetProperty("series");
        Assert.Contains(series.GetProperty("d/loss").EnumerateArray(), p => p[0].GetInt64() == at + 3);
        // …and so does the sample grid: G's samples at the very step it paused on, for each stop.
        var artifacts = await http.GetFromJsonAsync<List<ArtifactInfo>>($"/api/runs/{run.Id}/artifacts", VinulaJson.Options);
        Assert.Contains(artifacts!, a => a.Group == "samples" && a.Step == at && a.Name == $"samples-s{at:0000000}.png");
        Assert.Contains(artifacts!, a => a.Group == "samples" && a.Step == at + 3);

        Assert.Equal(HttpStatusCode.Conflict, (await http.DeleteAsync($"/api/runs/{run.Id}")).StatusCode); // live runs are not deleted

        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsync($"/api/runs/{run.Id}/resume", null)).StatusCode);
        var resumed = await WaitForAsync(run.Id, r => r.Status == RunStatus.Running && r.Progress.Step > at + 3);
        Assert.Equal(RunStatus.Running, resumed.Status);
        Assert.Equal(HttpStatusCode.Conflict, (await http.PostAsync($"/api/runs/{run.Id}/step", null)).StatusCode); // running: no steps

        // A paused run can be cancelled like any other.
        await http.PostAsync($"/api/runs/{run.Id}/pause", null);
        await WaitForAsync(run.Id, r => r.Status == RunStatus.Paused);
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsync($"/api/runs/{run.Id}/cancel", null)).StatusCode);
        Assert.Equal(RunStatus.Cancelled, (await WaitForAsync(run.Id, r => r.Status.IsFinished())).Status);
    }

    [Fact]
    public async Task SlowMotionIsARunSettingThatOnlyALiveOrQueuedRunTakes()
    {
        var http = factory.CreateClient();
        var run = await CreateAsync(http, """{ "epochs": 40, "trainSize": 2000, "hidden": [64], "latentDim": 16 }""");
        var slowed = await http.PatchAsync($"/api/runs/{run.Id}", Json("""{ "slowMotionMs": 100 }"""));
        Assert.Equal(HttpStatusCode.OK, slowed.StatusCode);
        var body = await slowed.Content.ReadAsStringAsync();
        Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("slowMotionMs").GetInt32() == 100, body);
        var bad = await http.PatchAsync($"/api/runs/{run.Id}", Json("""{ "slowMotionMs": -5 }"""));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("slowMotionMs", await bad.Content.ReadAsStringAsync());

        var live = await WaitForAsync(run.Id, r => r.Status == RunStatus.Running && r.Progress.Step >= 2);
        var control = factory.Services.GetRequiredService<RunLifecycle>().Control(run.Id);
        Assert.True(control?.SlowMotionMs == 100, $"control {control?.SlowMotionMs}, stored {live.SlowMotionMs}, {live.Status} at {live.Progress.Step}");
        await http.PostAsync($"/api/runs/{run.Id}/cancel", null);
        await WaitForAsync(run.Id, r => r.Status.IsFinished());

        Assert.Equal(HttpStatusCode.Conflict, (await http.PatchAsync($"/api/runs/{run.Id}", Json("""{ "slowMotionMs": 10 }"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await http.PostAsync($"/api/runs/{run.Id}/pause", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await http.PostAsync($"/api/runs/{run.Id}/step", null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsync($"/api/runs/{run.Id}/step?count=0", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsync("/api/runs/none/pause", null)).StatusCode);
    }

    [Fact]
    public async Task ARunPausedWhenTheServerStopsComesBackInterruptedAndResumable()
    {
        var database = VinulaFactory.NewDatabasePath();
        string id;
        await using (var first = VinulaFactory.OnDatabase(database))
        {
            var http = first.CreateClient();
            id = (await CreateAsync(http, """{ "epochs": 40, "trainSize": 2000, "hidden": [64], "latentDim": 16 }""")).Id;
            // Past the first epoch (32 steps), so there is a checkpoint to resume from.
            await RunWaiter.WaitForAsync(first.Services, id, r => r.Status == RunStatus.Running && r.Progress.Step > 35);
            await http.PostAsync($"/api/runs/{id}/pause", null);
            var paused = await RunWaiter.WaitForAsync(first.Services, id, r => r.Status == RunStatus.Paused);
            Assert.True(paused.Status == RunStatus.Paused, $"{paused.Status}: {paused.Error}");
        }

        await using var second = VinulaFactory.OnDatabase(database);
        var again = second.CreateClient();
        var run = await RunWaiter.WaitForAsync(second.Services, id, r => r.Status == RunStatus.Interrupted, seconds: 30);
        Assert.Equal(RunStatus.Interrupted, run.Status);
        Assert.Contains("paused", run.Error);
        Assert.Equal(HttpStatusCode.Accepted, (await again.PostAsync($"/api/runs/{id}/resume", null)).StatusCode);
        await again.PostAsync($"/api/runs/{id}/cancel", null);
        await RunWaiter.WaitForAsync(second.Services, id, r => r.Status.IsFinished());
        foreach (var file in new[] { database, Path.ChangeExtension(database, null) + "-log.db" })
            if (File.Exists(file)) File.Delete(file);
    }

    [Fact]
    public async Task ARunMovedByAnotherProcessStopsHereAndLeavesWhatThatProcessStored()
    {
        // As a team's reaper does when it takes this worker for dead: the stored run is interrupted under the trainer.
        var http = factory.CreateClient();
        // Far longer than the test waits: it must stop because it was taken, not because it ended.
        var run = await CreateAsync(http, """{ "epochs": 1000, "trainSize": 2000, "hidden": [64], "latentDim": 16 }""");
        await WaitForAsync(run.Id, r => r.Status == RunStatus.Running && r.Progress.Step > 3);
        var store = factory.Services.GetRequiredService<IRunStore>();
        store.Modify(run.Id, r => r.SetStatus(RunStatus.Interrupted, DateTime.UtcNow, "taken by another process"));

        var executor = factory.Services.GetRequiredService<RunExecutor>();
        for (var i = 0; i < 200 && executor.IsRunning(run.Id); i++) await Task.Delay(25);
        Assert.False(executor.IsRunning(run.Id), "the run kept training after it was taken");
        var points = store.Metrics(run.Id).Sum(s => s.Value.Count);
        await Task.Delay(500);

        var stored = store.Get(run.Id)!;
        Assert.Equal(RunStatus.Interrupted, stored.Status);
        Assert.Equal("taken by another process", stored.StatusHistory[^1].Reason);
        Assert.Equal(points, store.Metrics(run.Id).Sum(s => s.Value.Count)); // nothing written after it stopped
    }

    private Task<RunDto> WaitForAsync(string id, Func<RunDto, bool> done) => RunWaiter.WaitForAsync(factory.Services, id, done);

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<RunDto> GetAsync(HttpClient http, string id) =>
        (await http.GetFromJsonAsync<RunDto>($"/api/runs/{id}", VinulaJson.Options))!;

    private static async Task<RunDto> CreateAsync(HttpClient http, string config)
    {
        var response = await http.PostAsync("/api/runs", Json($$"""{ "kind": "gan", "config": {{config}} }"""));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<RunDto>(VinulaJson.Options))!;
    }
}
