using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vinula.Shared;

namespace Vinula.Runs.Team;

/// <summary>What a dashboard asks of a live run that trains on some worker.</summary>
public enum RunCommandKind { Cancel, Pause, Continue, Step, SlowMotion }

/// <summary>A command for one run; <paramref name="Value"/> is the step count or the slow-motion delay.</summary>
public sealed record RunCommand(string RunId, RunCommandKind Kind, int Value = 0)
{
    public string ToJson() => JsonSerializer.Serialize(this, VinulaJson.Options);

    public static RunCommand? FromJson(string json)
    {
        try { return JsonSerializer.Deserialize<RunCommand>(json, VinulaJson.Options); }
        catch (JsonException) { return null; }
    }
}

/// <summary>
/// A worker's ear for commands: every command goes to every worker over Redis, and the one training the run
/// applies it to the run's controls, as the embedded engine would. A pause or a cancel then shows as the run's
/// status changes, stored and published by the worker's lifecycle.
/// </summary>
public sealed class RunCommandListener(TeamRedis redis, RunControls controls, ILogger<RunCommandListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queue = await redis.Subscriber.SubscribeAsync(redis.Commands);
        queue.OnMessage(message =>
        {
            if (RunCommand.FromJson(message.Message.ToString()) is not { } command || !controls.IsTrainingHere(command.RunId)) return;
            logger.LogInformation("Run {RunId}: {Command} {Value}.", command.RunId, command.Kind, command.Value);
            switch (command.Kind)
            {
                case RunCommandKind.Cancel: controls.Cancel(command.RunId); break;
                case RunCommandKind.Pause: controls.Pause(command.RunId); break;
                case RunCommandKind.Continue: controls.Continue(command.RunId); break;
                case RunCommandKind.Step: controls.Step(command.RunId, Math.Max(1, command.Value)); break;
                case RunCommandKind.SlowMotion: controls.SlowMotion(command.RunId, command.Value); break;
            }
        });
        await Task.Delay(Timeout.Infinite, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
