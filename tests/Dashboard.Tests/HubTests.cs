using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Vinula.Shared;
using Vinula.Shared.Events;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Tests;

/// <summary>A real SignalR client over WebSockets against the test server.</summary>
public class HubTests(VinulaFactory factory) : IClassFixture<VinulaFactory>
{
    private HubConnection Connect()
    {
        var server = factory.Server;
        return new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "/hubs/runs"), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.HttpMessageHandlerFactory = _ => server.CreateHandler();
                o.WebSocketFactory = async (context, token) =>
                {
                    var client = server.CreateWebSocketClient();
                    return await client.ConnectAsync(context.Uri, token);
                };
            })
            .AddJsonProtocol(o => VinulaJson.Configure(o.PayloadSerializerOptions))
            .Build();
    }

    [Fact]
    public async Task SubscribersReceiveStatusMetricsAndArtifactsOfARun()
    {
        var client = factory.CreateClient();
        await using var connection = Connect();
        var statuses = new ConcurrentQueue<RunStatusChanged>();
        var metrics = new ConcurrentQueue<MetricsAppended>();
        var artifacts = new ConcurrentQueue<ArtifactAdded>();
        var progress = new ConcurrentQueue<RunProgressChanged>();
        connection.On<RunStatusChanged>(nameof(IRunsClient.RunStatusChanged), statuses.Enqueue);
        connection.On<RunProgressChanged>(nameof(IRunsClient.RunProgressChanged), progress.Enqueue);
        connection.On<MetricsAppended>(nameof(IRunsClient.MetricsAppended), metrics.Enqueue);
        connection.On<ArtifactAdded>(nameof(IRunsClient.ArtifactAdded), artifacts.Enqueue);
        await connection.StartAsync();
        await connection.InvokeAsync("SubscribeAll");

        // Hold the single run slot with a long run, so the tiny run stays queued until we have subscribed to it.
        var blocker = await CreateAsync(client, """{ "epochs": 300, "trainSize": 2000, "teacher": { "model": "mlp", "hidden": [64], "epochs": null } }""");
        var run = await CreateAsync(client, TinyRuns.DistillConfig);
        await connection.InvokeAsync("Subscribe", run.Id);
        await client.PostAsync($"/api/runs/{blocker.Id}/cancel", null);

        var done = new TaskCompletionSource();
        connection.On<RunStatusChanged>(nameof(IRunsClient.RunStatusChanged), s =>
        {
            if (s.RunId == run.Id && s.Status.IsFinished()) done.TrySetResult();
        });
        await Task.WhenAny(done.Task, Task.Delay(TimeSpan.FromSeconds(120)));

        // Status events are the lifecycle's transitions only, each once; progress comes as its own event.
        Assert.Equal([RunStatus.Queued, RunStatus.Running, RunStatus.Completed],
            statuses.Where(s => s.RunId == run.Id).Select(s => s.Status));
        Assert.Contains(progress, p => p.RunId == run.Id && p.Progress.Step > 0);
        Assert.Contains(statuses, s => s.RunId == run.Id && s.Status == RunStatus.Completed && s.Progress.Fraction == 1);
        Assert.Contains(statuses, s => s.RunId == blocker.Id && s.Status == RunStatus.Cancelled); // via SubscribeAll
        var points = metrics.Where(m => m.RunId == run.Id).SelectMany(m => m.Points).ToList();
        Assert.Contains(points, p => p.Series == "student/test_accuracy");
        Assert.Contains(points, p => p.Series == "teacher/train_loss" && p.Value > 0);
        Assert.Contains(artifacts, a => a.RunId == run.Id && a.Name == "logits-student.json");
        // Coalesced: the tiny run takes 30 training steps (3 models × 2 epochs × 5 batches), each reporting its
        // loss; without coalescing that alone would be 30 pushes.
        Assert.True(metrics.Count(m => m.RunId == run.Id) < 30, $"{metrics.Count(m => m.RunId == run.Id)} pushes");
    }

    [Fact]
    public async Task ClientsThatDidNotSubscribeGetNothing()
    {
        var client = factory.CreateClient();
        await using var connection = Connect();
        var received = 0;
        connection.On<MetricsAppended>(nameof(IRunsClient.MetricsAppended), _ => Interlocked.Increment(ref received));
        connection.On<RunStatusChanged>(nameof(IRunsClient.RunStatusChanged), _ => Interlocked.Increment(ref received));
        await connection.StartAsync();

        var run = await CreateAsync(client, TinyRuns.DistillConfig);
        await RunWaiter.WaitForAsync(factory.Services, run.Id, r => r.Status.IsFinished());
        await Task.Delay(500); // a negative: give a stray push time to arrive
        Assert.Equal(0, received);
    }

    private static async Task<RunDto> CreateAsync(HttpClient client, string config)
    {
        var response = await client.PostAsync("/api/runs",
            new StringContent($$"""{ "kind": "distill", "config": {{config}} }""", Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<RunDto>(VinulaJson.Options))!;
    }
}
