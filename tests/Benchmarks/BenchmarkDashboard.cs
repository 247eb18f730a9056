using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Vinula.Benchmarks;

/// <summary>The real dashboard on a given database, for the benchmarks that measure pages and the API.</summary>
public sealed class BenchmarkDashboard(string root, string database) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseContentRoot(root);
        builder.UseSetting("Storage:DatabasePath", database);
        builder.UseSetting("Data:Directory", Path.Combine(root, "data", "datasets"));
        builder.UseSetting("Engine:MaxConcurrentRuns", "1");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
    }
}
