using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using Vinula.Runs.Hosting;
using Vinula.Runs.Team;
using Vinula.Dashboard.Kinds;
using Vinula.Dashboard.Runs;
using Vinula.Runs.Storage;
using Vinula.Engine.Analysis;
using Vinula.Engine.Data;
using Vinula.Engine.Experiments;
using Vinula.Engine.Hosting;
using Vinula.Shared;

namespace Vinula.Dashboard.Hosting;

/// <summary>The app's wiring, one extension per layer, so Program.cs reads like a table of contents.</summary>
public static class ServiceRegistration
{
    /// <summary>The store the deployment names, and <c>/healthz</c> asking it.</summary>
    public static IHostApplicationBuilder AddVinulaStorage(this IHostApplicationBuilder builder, DeploymentOptions deployment)
    {
        builder.AddVinulaRunStore(deployment);
        builder.Services.AddHealthChecks().AddCheck<StoreHealthCheck>("store");
        return builder;
    }

    /// <summary>Runs: where they train (this process's queue embedded; the team's workers in a team), the event
    /// stream, the user-facing service and the SignalR relay.</summary>
    public static IHostApplicationBuilder AddVinulaRuns(this IHostApplicationBuilder builder, DeploymentOptions deployment)
    {
        builder.AddVinulaRunCore();
        if (deployment.IsTeam)
        {
            builder.AddVinulaTeam(deployment, dashboard: true, runEngine: deployment.RunEngine);
            builder.Services.AddSingleton<IRunEngine, TeamRunEngine>();
        }
        else
        {
            builder.Services.AddSingleton<RunScheduler>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<RunScheduler>());
            builder.Services.AddSingleton<IRunEngine, LocalRunEngine>();
        }
        builder.Services.AddSingleton<RunService>();
        builder.Services.AddSingleton<Exports.RunExports>();
        builder.Services.AddSingleton<RunBulkActions>();
        builder.AddVinulaLive(deployment);
        return builder;
    }

    /// <summary>The Blazor dashboard (with every kind's form and panels), the JSON API conventions and the OpenAPI document.</summary>
    public static IHostApplicationBuilder AddVinulaWeb(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<Security.SecurityOptions>(builder.Configuration.GetSection(Security.SecurityOptions.SectionName));
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddKindViews();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<Components.Live.EtaDisplay>();
        builder.Services.ConfigureHttpJsonOptions(o => VinulaJson.Configure(o.SerializerOptions));
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            // The document's title is what the API reference shows at the top (the default is the assembly's name).
            document.Info.Title = "Vinula API";
            document.Info.Description = "Configure, run, watch and compare knowledge-distillation and generative-model experiments. " +
                                        "Live events stream over the SignalR hub at /hubs/runs.";
            return Task.CompletedTask;
        }));
        builder.Services.AddHttpContextAccessor();
        return builder;
    }
}

/// <summary><c>/healthz</c>: healthy when the run database answers.</summary>
internal sealed class StoreHealthCheck(IRunStore store) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            store.Exists("healthz");
            return Task.FromResult(HealthCheckResult.Healthy());
        }
        catch (Exception e)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"{store.Location} does not answer.", e));
        }
    }
}
