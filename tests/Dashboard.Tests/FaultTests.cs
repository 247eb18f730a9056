using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Vinula.Dashboard.Runs;
using Vinula.Engine.Experiments;
using Vinula.Engine.Training;
using Vinula.Shared;
using Vinula.Shared.Events;
using Vinula.Shared.Experiments;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Tests;

/// <summary>Faults inside runs and handlers: the run says why, the app stays up, answers carry no stack traces.</summary>
public sealed class FaultTests : IAsyncLifetime
{
    private readonly VinulaFactory _factory = new();
    private WebApplicationFactory<Program> _app = default!;
    private HttpClient _client = default!;

    public ValueTask InitializeAsync()
    {
        _app = _factory.WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Production");
            b.UseSetting("Engine:MaxConcurrentRuns", "1");
            b.ConfigureTestServices(s => s.AddSingleton(new ExperimentCatalog(
                [.. ExperimentCatalog.CreateDefault().All, new ScriptedExperiment("test-nan"), new ScriptedExperiment("test-throws"), new BrokenExperiment()])));
        });
        _client = _app.CreateClient();
        return ValueTask.CompletedTask;
    }

    private async Task<RunDto> StartAsync(string kind, string config = "{}")
    {
        var response = await _client.PostAsync("/api/runs", new StringContent($$"""{ "kind": "{{kind}}", "config": {{config}} }""", Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<RunDto>(VinulaJson.Options))!;
    }

    private Task<RunDto> WaitAsync(string id, Func<RunDto, bool> done) => RunWaiter.WaitForAsync(_app.Services, id, done, seconds: 60);

    [Fact]
    public async Task ALossThatBecomesNaNFailsTheRunWithTheStepAndTheAppStaysUp()
    {
        var run = await WaitAsync((await StartAsync("test-nan")).Id, r => r.Status.IsFinished());

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("train_loss became NaN at step 37", run.Error);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/healthz")).StatusCode);
        var logs = await _client.GetStringAsync($"/api/runs/{run.Id}/logs");
        Assert.Contains("became NaN at step 37", logs);
    }

    [Fact]
    public async Task AnExceptionInARunFailsOnlyThatRun()
    {
        var failed = await WaitAsync((await StartAsync("test-throws")).Id, r => r.Status.IsFinished());
        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Contains("the scripted experiment was told to throw", failed.Error);

        var next = await WaitAsync((await StartAsync("test-nan")).Id, r => r.Status.IsFinished());
        Assert.Equal(RunStatus.Failed, next.Status); // the queue went on to the next run
    }

    [Fact]
    public async Task AnUnexpectedErrorInAnEndpointIsAProblemWithoutAStackTrace()
    {
        var response = await _client.GetAsync("/api/experiments");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"status\":500", body);
        Assert.DoesNotContain("presets are broken", body);
        Assert.DoesNotContain(" at ", body);
    }

    [Fact]
    public async Task NoMoreRunsTrainAtOnceThanMaxConcurrentRuns()
    {
        // Every status move, as the lifecycle announces it: never two running at once while three go through.
        var running = new HashSet<string>();
        var finished = new HashSet<string>();
        var allFinished = new TaskCompletionSource();
        var maxRunning = 0;
        using var subscription = _app.Services.GetRequiredService<RunEventBus>().Subscribe(e =>
        {
            if (e is not RunStatusChanged s) return;
            if (s.Status == RunStatus.Running) running.Add(s.RunId);
            else running.Remove(s.RunId);
            maxRunning = Math.Max(maxRunning, running.Count);
            if (s.Status.IsFinished() && finished.Add(s.RunId) && finished.Count == 3) allFinished.TrySetResult();
        });

        var runs = new List<RunDto>();
        for (var i = 0; i < 3; i++)
            runs.Add(await StartAsync(ExperimentKinds.Distill,
                """{ "epochs": 50, "trainSize": 500, "trainBaseline": false, "teacher": { "model": "mlp", "hidden": [16], "epochs": null }, "student": { "hidden": [8] } }"""));
        await WaitAsync(runs[0].Id, r => r.Status == RunStatus.Running && r.Progress.Step > 0);
        await _client.PostAsync($"/api/runs/{runs[0].Id}/cancel", null); // the second starts while the third waits
        await WaitAsync(runs[1].Id, r => r.Status == RunStatus.Running && r.Progress.Step > 0);
        foreach (var run in runs) await _client.PostAsync($"/api/runs/{run.Id}/cancel", null);
        await allFinished.Task.WaitAsync(TimeSpan.FromSeconds(60)); // this handler has seen every move

        Assert.Equal(1, maxRunning);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _factory.DisposeAsync();
    }

    public sealed class ScriptedConfig : ExperimentConfig;

    /// <summary>A run of one phase whose loss becomes NaN at step 37, or whose creation throws.</summary>
    private sealed class ScriptedExperiment(string kind) : ExperimentDefinition<ScriptedConfig>
    {
        public override string Kind => kind;
        public override string Title => kind;
        public override string Description => "test double";
        protected override void Validate(ScriptedConfig config, IRunLibrary library, ValidationErrors errors) { }
        protected override string DefaultName(ScriptedConfig config) => kind;

        protected override IExperimentRun Create(ScriptedConfig config, RunContext context) =>
            kind == "test-throws" ? throw new InvalidOperationException("the scripted experiment was told to throw") : new NanRun();
    }

    private sealed class NanRun : IExperimentRun
    {
        public IReadOnlyList<PhasePlan> Plan { get; } = [new PhasePlan("model", 10, 10)];
        public TrainingPhase StartPhase(PhasePlan plan, RunContext context) => new NanPhase(plan);
        public void Complete(RunContext context) { }
        public void Dispose() { }
    }

    private sealed class NanPhase(PhasePlan plan) : TrainingPhase(plan)
    {
        private int _calls;
        public override void BeginEpoch(int epoch) { }
        public override IReadOnlyList<StepValue> Step(int epoch, int step) => [new StepValue("train_loss", ++_calls == 37 ? float.NaN : 1f / _calls)];
        public override void EndEpoch(int epoch, long globalStep, RunContext context) { }
        public override void Save(BinaryWriter writer) { }
        public override void Load(BinaryReader reader) { }
    }

    /// <summary>Its presets throw: /api/experiments then fails with an unexpected exception.</summary>
    private sealed class BrokenExperiment : ExperimentDefinition<ScriptedConfig>
    {
        public override string Kind => "test-broken";
        public override string Title => "broken";
        public override string Description => "test double";
        public override IReadOnlyList<Preset> Presets => throw new InvalidOperationException("presets are broken");
        protected override void Validate(ScriptedConfig config, IRunLibrary library, ValidationErrors errors) { }
        protected override string DefaultName(ScriptedConfig config) => "broken";
        protected override IExperimentRun Create(ScriptedConfig config, RunContext context) => throw new NotSupportedException();
    }
}
