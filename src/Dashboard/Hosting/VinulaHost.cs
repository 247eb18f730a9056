using Vinula.Runs.Storage;
using Vinula.Engine.Hosting;
using Vinula.Runs.Hosting;

namespace Vinula.Dashboard.Hosting;

/// <summary>
/// The web host's root: the repository folder, so the top-level <c>appsettings.json</c> and <c>wwwroot/</c> are
/// the app's own whether it is started with <c>dotnet run --project src/Dashboard</c>, by tests or published.
/// </summary>
public static class VinulaHost
{
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        // Measured on this project's machines: keeping freed memory doubles training throughput.
        NativeAllocator.Tune();

        var root = RepositoryRoot.Find();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = root,
            WebRootPath = Path.Combine(root, "wwwroot"),
            ApplicationName = typeof(VinulaHost).Assembly.GetName().Name,
        });
        // Package assets (_content/MudBlazor, _content/Plotly.Blazor) are served from the build's manifest in
        // every environment, not only Development, because the content root is not the project folder.
        builder.WebHost.UseStaticWebAssets();
        return builder;
    }

    /// <summary>
    /// Runs the app until it stops. A database that cannot be opened is a clear one-paragraph message naming the
    /// file and exit code 1, not a stack trace.
    /// </summary>
    public static int RunVinula(this WebApplication app)
    {
        try
        {
            // Check the deployment and open the database before the host starts, so a missing key or a bad file is
            // reported here and not as a host failure.
            app.Services.CheckDeployment();
            app.Services.GetRequiredService<IRunStore>();
            app.Run();
            return 0;
        }
        catch (Exception e) when (RunsRegistration.StartupProblem(e) is { } problem)
        {
            Console.Error.WriteLine($"Vinula could not start: {problem.Message}");
            return 1;
        }
    }

    /// <summary>A path from configuration: absolute as is, relative against the repository root.</summary>
    public static string ResolvePath(this IHostEnvironment environment, string path) =>
        RepositoryRoot.Resolve(environment.ContentRootPath, path);
}
