using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Vinula.Benchmarks;

/// <summary>The real dashboard on a given database, for the benchmarks that measure pages and the API; <paramref name="settings"/>
/// are configuration keys laid over the rest (<c>Engine:TrimAfterRun</c>).</summary>
public sealed class BenchmarkDashboard(string root, string database, int maxConcurrentRuns = 1, IReadOnlyDictionary<string, string>? settings = null)
    : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseContentRoot(root);
        builder.UseSetting("Storage:DatabasePath", database);
        builder.UseSetting("Data:Directory", Path.Combine(root, "data", "datasets"));
        builder.UseSetting("Engine:MaxConcurrentRuns", maxConcurrentRuns.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            builder.UseSetting(key, value);
    }
}
