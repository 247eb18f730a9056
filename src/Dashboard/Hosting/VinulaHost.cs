using Vinula.Engine.Hosting;

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

    /// <summary>A path from configuration: absolute as is, relative against the repository root.</summary>
    public static string ResolvePath(this IHostEnvironment environment, string path) =>
        RepositoryRoot.Resolve(environment.ContentRootPath, path);
}
