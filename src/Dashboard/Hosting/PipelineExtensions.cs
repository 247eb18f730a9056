using Scalar.AspNetCore;
using Vinula.Dashboard.Components;
using Vinula.Dashboard.Hubs;
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
        app.UseMiddleware<AccessKeyMiddleware>();
        app.UseStaticFiles();
        app.UseAntiforgery();
        return app;
    }

    /// <summary>The dashboard pages, the hub, health and the API documentation.</summary>
    public static WebApplication MapVinulaEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/healthz");
        app.MapOpenApi();
        app.MapScalarApiReference("/api/docs", o => o.WithTitle("Vinula API"));
        app.MapHub<RunsHub>(RunsHub.Path);
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
