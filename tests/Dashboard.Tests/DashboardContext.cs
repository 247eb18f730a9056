using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using Vinula.Dashboard.Kinds;
using Vinula.Dashboard.Runs;
using Vinula.Runs.Storage;
using Vinula.Engine.Analysis;
using Vinula.Engine.Data;
using Vinula.Engine.Experiments;
using Vinula.Engine.Hosting;

namespace Vinula.Dashboard.Tests;

/// <summary>One bunit context for the dashboard's components: MudBlazor, loose JS interop, and the real run
/// services on a fresh database (the scheduler is never started: nothing trains).</summary>
public abstract class DashboardContext : BunitContext
{
    private readonly string _database = Path.Combine(Path.GetTempPath(), $"vinula-bunit-{Guid.NewGuid():N}.db");

    /// <param name="datasets">A directory holding the dataset cache (MNIST) for tests that need real digits; by default an
    /// empty one, so components must never start a download.</param>
    protected DashboardContext(string? datasets = null)
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton<IRunStore>(new LiteRunStore(_database));
        Services.AddSingleton(new RunEventBus(NullLogger<RunEventBus>.Instance));
        Services.AddSingleton(ExperimentCatalog.CreateDefault());
        Services.AddSingleton(new DatasetCatalog(new DataOptions { Directory = datasets ?? Path.Combine(Path.GetTempPath(), $"no-data-{Guid.NewGuid():N}") }));
        Services.AddSingleton<IOptions<EngineOptions>>(Options.Create(new EngineOptions()));
        Services.AddSingleton<RunLifecycle>();
        Services.AddSingleton<IOptions<Vinula.Runs.Team.DeploymentOptions>>(Options.Create(new Vinula.Runs.Team.DeploymentOptions()));
        Services.AddSingleton<RunExecutor>();
        Services.AddSingleton<RunScheduler>();
        Services.AddSingleton<RunControls>();
        Services.AddSingleton<IRunEngine, LocalRunEngine>();
        Services.AddSingleton<RunService>();
        Services.AddSingleton<Exports.RunExports>();
        Services.AddSingleton<RunBulkActions>();
        Services.AddSingleton<AnalysisService>();
        Services.AddKindViews();
        Services.AddSingleton(new Components.Live.EtaDisplay(TimeProvider.System));
        // As in the browser's circuit (a prerender is tested through the server's HTML).
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
    }

    protected IRunStore Store => Services.GetRequiredService<IRunStore>();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Services.GetService<IRunStore>()?.Dispose();
            if (File.Exists(_database)) File.Delete(_database);
        }
        base.Dispose(disposing);
    }
}
