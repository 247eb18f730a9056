using Vinula.Engine.Hosting;
using Vinula.Runs.Hosting;
using Vinula.Runs.Storage;
using Vinula.Runs.Team;

namespace Vinula.Worker;

/// <summary>The worker's host: rooted at the repository like the dashboard, and refusing to start outside a team.</summary>
public static class WorkerHost
{
    public static HostApplicationBuilder CreateBuilder(string[] args)
    {
        // Measured on this project's machines: keeping freed memory doubles training throughput.
        NativeAllocator.Tune();
        return Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ContentRootPath = RepositoryRoot.Find(),
            ApplicationName = typeof(WorkerHost).Assembly.GetName().Name,
        });
    }

    /// <summary>Copies a LiteDB file (relative paths from the repository root) into the team's store; runs and corpora
    /// the store has already are skipped, so an interrupted copy can be run again. Exit code 1 with a message when
    /// the file or the database is missing.</summary>
    public static int CopyLiteDb(HostApplicationBuilder builder, string file, DeploymentOptions deployment)
    {
        var path = RepositoryRoot.Resolve(builder.Environment.ContentRootPath, file);
        try
        {
            if (!File.Exists(path)) throw new DeploymentException($"There is no LiteDB file '{path}' to copy.");
            if (string.IsNullOrWhiteSpace(deployment.PostgreSql))
                throw new DeploymentException("Deployment:PostgreSql is empty: name the team's database to copy into.");
            using var from = new LiteRunStore(path);
            using var to = new PostgresRunStore(deployment.PostgreSql);
            Console.WriteLine($"Copying {from.Location} into {to.Location}.");
            var done = StoreCopy.Copy(from, to, Console.WriteLine);
            Console.WriteLine($"Copied {done.Runs} runs ({done.RunsSkipped} there already), {done.MetricPoints:N0} metric points, " +
                              $"{done.LogLines:N0} log lines, {done.Artifacts} artifacts, {done.Checkpoints} checkpoints, " +
                              $"{done.Corpora} corpora ({done.CorporaSkipped} there already).");
            return 0;
        }
        catch (Exception e) when (RunsRegistration.StartupProblem(e) is { } problem)
        {
            Console.Error.WriteLine($"Vinula could not copy: {problem.Message}");
            return 1;
        }
    }

    /// <summary>Runs until stopped (Ctrl+C, SIGTERM: the runs training here are stored as interrupted first). A
    /// deployment that is not a team, a missing key or a database that does not answer is one message and exit code 1.</summary>
    public static int Run(IHost host, DeploymentOptions deployment)
    {
        try
        {
            if (!deployment.IsTeam)
                throw new DeploymentException("A worker serves a team: set Deployment:Mode to Team, with Deployment:PostgreSql and " +
                                              "Deployment:Redis (README, \"A team server\"). The embedded dashboard trains runs itself.");
            host.Services.CheckDeployment();
            host.Services.GetRequiredService<IRunStore>();
            host.Run();
            return 0;
        }
        catch (Exception e) when (RunsRegistration.StartupProblem(e) is { } problem)
        {
            Console.Error.WriteLine($"Vinula worker could not start: {problem.Message}");
            return 1;
        }
    }
}
