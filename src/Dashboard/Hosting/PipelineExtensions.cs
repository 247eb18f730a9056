using Scalar.AspNetCore;
using Vinula.Dashboard.Components;
using Vinula.Runs.Live;
using Vinula.Dashboard.Security;

namespace Vinula.Dashboard.Hosting;

public static class PipelineExtensions
{
    /// <summary>Error handling, static files, anti-forgery: the middleware in the order it must run.</summary>
    public static WebApplication UseVinulaPipeline(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
            app.UseExceptionHandler(); // problem details without stack traces
        app.UseStatusCodePages();
        // A browser asking for a page that does not exist gets the dashboard's not-found page (layout and a way
        // back, status 404); API clients and files keep problem details. Inside the problem-details handler, so it
        // answers first; routing after it, so the re-executed request is routed again (to /not-found).
        app.UseWhen(IsBrowserPage, page => page.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
        app.UseRouting();
        app.UseMiddleware<AccessKeyMiddleware>();
        app.UseStaticFiles();
        app.UseAntiforgery();
        return app;
    }

    private static readonly string[] NonPagePrefixes = ["/api", "/hubs", "/openapi", "/healthz", "/_framework", "/_content", "/_blazor"];

    /// <summary>A browser navigating (it accepts HTML) to an address outside the API, the hub and the assets.</summary>
    private static bool IsBrowserPage(HttpContext context) =>
        HttpMethods.IsGet(context.Request.Method)
        && context.Request.Headers.Accept.Any(a => a?.Contains("text/html", StringComparison.OrdinalIgnoreCase) == true)
        && !NonPagePrefixes.Any(p => context.Request.Path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase));

    /// <summary>The dashboard pages, the hub, health and the API documentation.</summary>
    public static WebApplication MapVinulaEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/healthz");
        app.MapOpenApi();
        // The reference only: no vendor features (Ask AI, Deploy, Generate SDKs, MCP), no telemetry, no fonts from
        // a CDN (the dashboard works offline).
        app.MapScalarApiReference("/api/docs", o => o.WithTitle("Vinula API")
            .DisableAgent().HideDeveloperTools().DisableMcp().DisableTelemetry().DisableDefaultFonts());
        app.MapHub<RunsHub>(RunsHub.Path);
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
