using Hangfire;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Vinula.Engine.Analysis;
using Vinula.Engine.Data;
using Vinula.Engine.Experiments;
using Vinula.Engine.Hosting;
using Vinula.Runs.Live;
using Vinula.Runs.Storage;
using Vinula.Runs.Team;
using Vinula.Shared;

namespace Vinula.Runs.Hosting;

/// <summary>
/// The wiring a dashboard and a worker share, one extension per part, each reading the <c>Deployment</c> section:
/// the engine, the store, the runs' core, the live relay, and in a team the job queue and Redis.
/// </summary>
public static class RunsRegistration
{
    /// <summary>The training engine: options, datasets, experiment kinds, analysis of finished runs.</summary>
    public static IHostApplicationBuilder AddVinulaEngine(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<EngineOptions>(builder.Configuration.GetSection(EngineOptions.SectionName));
        builder.Services.Configure<DataOptions>(builder.Configuration.GetSection(DataOptions.SectionName));
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<DataOptions>>().Value;
            var root = sp.GetRequiredService<IHostEnvironment>().ContentRootPath;
            return new DatasetCatalog(new DataOptions
            {
                Directory = RepositoryRoot.Resolve(root, options.Directory),
                MnistPath = string.IsNullOrWhiteSpace(options.MnistPath) ? null : RepositoryRoot.Resolve(root, options.MnistPath),
            });
        });
        builder.Services.AddSingleton(_ => ExperimentCatalog.CreateDefault());
        builder.Services.AddSingleton<AnalysisService>();
        return builder;
    }

    /// <summary>The deployment's options, as the rest of the wiring reads them. Checked when the host starts
    /// (<see cref="CheckDeployment"/>), so a missing key is a message naming it, not a stack trace.</summary>
    public static DeploymentOptions AddVinulaDeployment(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(DeploymentOptions.SectionName);
        builder.Services.Configure<DeploymentOptions>(section);
        return section.Get<DeploymentOptions>() ?? new DeploymentOptions();
    }

    /// <summary>The configuration or store problem behind a start-up failure, however the host wrapped it, or null
    /// for any other failure: the dashboard and the worker print its message alone and exit with code 1.</summary>
    public static Exception? StartupProblem(Exception e) => e switch
    {
        StorageUnavailableException or DeploymentException => e,
        AggregateException { InnerExceptions.Count: 1 } aggregate => StartupProblem(aggregate.InnerExceptions[0]),
        { InnerException: { } inner } => StartupProblem(inner),
        _ => null,
    };

    /// <summary>Throws <see cref="DeploymentException"/> naming what the deployment lacks.</summary>
    public static void CheckDeployment(this IServiceProvider services)
    {
        if (services.GetRequiredService<IOptions<DeploymentOptions>>().Value.Problems() is { Count: > 0 } problems)
            throw new DeploymentException(string.Join(" ", problems));
    }

    /// <summary>The store: the LiteDB file (<c>Storage:DatabasePath</c>) embedded, the team's PostgreSQL database in a team.</summary>
    public static IHostApplicationBuilder AddVinulaRunStore(this IHostApplicationBuilder builder, DeploymentOptions deployment)
    {
        builder.Services.Configure<StorageOptions>(builder.Configuration.GetSection(StorageOptions.SectionName));
        if (deployment.IsTeam)
            builder.Services.AddSingleton<IRunStore>(_ => new PostgresRunStore(deployment.PostgreSql));
        else
            builder.Services.AddSingleton<IRunStore>(sp => new LiteRunStore(RepositoryRoot.Resolve(
                sp.GetRequiredService<IHostEnvironment>().ContentRootPath, sp.GetRequiredService<IOptions<StorageOptions>>().Value.DatabasePath)));
        return builder;
    }

    /// <summary>What every process that holds runs needs: the event bus, the lifecycle, the executor and the
    /// controls of the runs training here.</summary>
    public static IHostApplicationBuilder AddVinulaRunCore(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<RunEventBus>();
        builder.Services.AddSingleton<RunLifecycle>();
        builder.Services.AddSingleton<RunExecutor>();
        builder.Services.AddSingleton<RunControls>();
        return builder;
    }

    /// <summary>SignalR for the run events this process publishes: the hub's JSON, and in a team the Redis
    /// backplane, so an event sent here reaches the clients of every dashboard.</summary>
    public static ISignalRServerBuilder AddVinulaLive(this IHostApplicationBuilder builder, DeploymentOptions deployment)
    {
        var signalR = builder.Services.AddSignalR().AddJsonProtocol(o => VinulaJson.Configure(o.PayloadSerializerOptions));
        // Not when the team lacks a key: mapping the hub builds the backplane before the host's start-up check
        // (CheckDeployment) could name the key, and it would fail first with Redis's own words.
        if (deployment.IsTeam && deployment.Problems().Count == 0)
            signalR.AddStackExchangeRedis(deployment.Redis, o =>
            {
                o.Configuration.ChannelPrefix = RedisChannel.Literal(TeamRedis.SignalRPrefix(deployment));
                o.Configuration.AbortOnConnectFail = false;
            });
        builder.Services.AddHostedService<HubRelay>();
        return signalR;
    }

    /// <summary>
    /// A team process: the job queue's client and Redis (events both ways for a dashboard, out only for a worker;
    /// dead-worker detection). With <paramref name="runEngine"/>, it also trains: a Hangfire server on the
    /// configured queues with one worker thread per concurrent run, a heartbeat, and an ear for commands.
    /// </summary>
    public static IHostApplicationBuilder AddVinulaTeam(this IHostApplicationBuilder builder, DeploymentOptions deployment,
        bool dashboard, bool runEngine)
    {
        // A run asking for cuda waits on the cuda queue for a GPU worker, whether or not this process has a GPU.
        if (dashboard) TorchSetup.CudaElsewhere = true;
        builder.Services.AddSingleton<TeamRedis>();
        builder.Services.AddHangfire(c => c
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseVinulaJobStorage(deployment));
        builder.Services.AddHostedService(sp => new RedisEventChannel(sp.GetRequiredService<TeamRedis>(), sp.GetRequiredService<RunEventBus>(),
            receive: dashboard, sp.GetRequiredService<ILogger<RedisEventChannel>>()));
        builder.Services.AddHostedService<DeadWorkerReaper>();
        if (!runEngine) return builder;

        builder.Services.AddSingleton<RunJob>();
        builder.Services.AddHostedService<WorkerPresence>();
        builder.Services.AddHostedService<RunCommandListener>();
        var engine = builder.Configuration.GetSection(EngineOptions.SectionName).Get<EngineOptions>() ?? new EngineOptions();
        builder.Services.AddHangfireServer(o =>
        {
            o.ServerName = deployment.Worker;
            o.Queues = deployment.ServedQueues;
            // One Hangfire worker thread per concurrent run: the threads live as long as the server, as the
            // training threads of the embedded queue do.
            o.WorkerCount = Math.Max(1, engine.MaxConcurrentRuns);
        });
        return builder;
    }
}
