using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Vinula.Engine.Experiments;
using Vinula.Shared.Experiments;

namespace Vinula.Dashboard.Api;

/// <summary><c>GET /api/experiments</c>: every kind with its default config and presets.</summary>
public static class ExperimentsApi
{
    public static IEndpointRouteBuilder MapExperimentsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/experiments", List).WithTags("Experiments").WithSummary("Experiment kinds, their defaults and presets.");
        return app;
    }

    private static Ok<IReadOnlyList<ExperimentInfo>> List(ExperimentCatalog catalog) =>
        TypedResults.Ok(Describe(catalog));

    public static IReadOnlyList<ExperimentInfo> Describe(ExperimentCatalog catalog) =>
        [.. catalog.All.Select(d => new ExperimentInfo(d.Kind, d.Title, d.Description,
            ExperimentCatalog.ToJson(d.CreateDefault()),
            [.. d.Presets.Select(p => new PresetInfo(p.Name, p.Description, JsonSerializer.SerializeToElement(p.Config)))]))];
}
