using System.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Vinula.Dashboard.Curves;
using Vinula.Runs.Storage;
using Vinula.Engine.Hosting;
using Vinula.Shared.Events;
using Vinula.Shared.Runs;

namespace Vinula.Benchmarks;

/// <summary>
/// What a very long curve costs: a run with <c>points</c> training-loss points (one series, plus its epoch marks) in
/// a fresh store, then the store's read, the server-side thinning, the metrics API with and without <c>maxPoints</c>,
/// and a headless Chromium opening the Compare page on that curve until Plotly has drawn it. Measured, not asserted:
/// <c>dotnet run -c Release --project tests/Benchmarks -- curve [points] [rounds]</c>.
/// </summary>
public static class CurveCost
{
    public static async Task RunAsync(int points, int rounds)
    {
        var root = RepositoryRoot.Find();
        var database = Path.Combine(Path.GetTempPath(), $"vinula-curve-{Guid.NewGuid():N}.db");
        var id = Seed(database, points);
        var other = Seed(database, 1_000); // Compare needs two runs

        await using var factory = new BenchmarkDashboard(root, database);
        factory.UseKestrel(0);
        factory.StartServer();
        var baseUrl = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl + "/"), Timeout = TimeSpan.FromMinutes(10) };
        var store = factory.Services.GetRequiredService<IRunStore>();

        for (var round = 1; round <= rounds; round++)
        {
            var clock = Stopwatch.StartNew();
            var all = store.Metrics(id);
            var series = all["student/train_loss"];
            var firstRead = clock.Elapsed.TotalMilliseconds;
            Console.WriteLine($"round {round}: store read with every series {firstRead:0} ms");
            foreach (var axis in new[] { CurveAxis.Step, CurveAxis.Epoch })
            {
                clock.Restart();
                var xs = CurveX.Of("student/train_loss", series, all, axis, CurveX.Origin(all));
                var placed = clock.Elapsed.TotalMilliseconds;
                clock.Restart();
                var traces = CurveTraces.For(new Dashboard.Components.Live.ChartSeries("student/train_loss", "loss", "#000"), series, xs, new CurveView(axis, Smoothing: 0.9));
                Console.WriteLine($"round {round}, {axis}: x placed {placed:0} ms; traces (thinned, smoothed) {clock.Elapsed.TotalMilliseconds:0} ms, {traces.Count} traces");
            }
            clock.Restart();
            _ = store.Metrics(id)["student/train_loss"];
            var read = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            var kept = Downsampling.MinMax(series, p => p.Value);
            var thin = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            var thinned = await http.GetStringAsync($"api/runs/{id}/metrics?maxPoints={Downsampling.DefaultMaxPoints}");
            var apiThin = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            var full = await http.GetStringAsync($"api/runs/{id}/metrics");
            var apiFull = clock.Elapsed.TotalMilliseconds;
            Console.WriteLine($"round {round}: store read {read:0} ms ({series.Count:N0} points); thinning {thin:0.0} ms → {kept.Count:N0} points; " +
                $"GET /metrics?maxPoints={Downsampling.DefaultMaxPoints} {apiThin:0} ms ({thinned.Length / 1024:N0} KiB); GET /metrics {apiFull:0} ms ({full.Length / 1024 / 1024.0:0.0} MiB)");
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Environment.GetEnvironmentVariable("VINULA_CHROMIUM") is { Length: > 0 } c ? c : "/usr/bin/chromium",
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
        });
        foreach (var (label, path) in new[]
        {
            ("Compare", $"/compare?runs={id},{other}&metric=student/train_loss"),
            ("Compare, smoothed", $"/compare?runs={id},{other}&metric=student/train_loss&smooth=0.9"),
            ("Run page", $"/runs/{id}?x=step"),
        })
        {
            for (var round = 1; round <= rounds; round++)
            {
                var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1440, Height = 1000 } });
                var clock = Stopwatch.StartNew();
                await page.GotoAsync(baseUrl + path);
                await page.Locator(".js-plotly-plot .scatterlayer .trace").First.WaitForAsync(new() { Timeout = 120_000 });
                Console.WriteLine($"{label}, round {round}: curve drawn {clock.Elapsed.TotalMilliseconds:0} ms after the request");
                await page.CloseAsync();
            }
        }
        File.Delete(database);
    }

    /// <summary>A finished distill run whose student logged <paramref name="count"/> training-loss points in 100 epochs.</summary>
    private static string Seed(string database, int count)
    {
        using var store = new LiteRunStore(database);
        var id = RunIds.New();
        var run = new RunDocument { Id = id, Name = $"{count:N0}-point curve", Kind = "distill", ConfigJson = "{}", CreatedAt = DateTime.UtcNow };
        run.SetStatus(RunStatus.Queued, DateTime.UtcNow);
        run.SetStatus(RunStatus.Running, DateTime.UtcNow);
        run.SetStatus(RunStatus.Completed, DateTime.UtcNow);
        store.Insert(run);
        var start = DateTime.UtcNow.AddHours(-1);
        var random = new Random(1);
        var clock = Stopwatch.StartNew();
        const int batch = 20_000;
        for (var first = 1; first <= count; first += batch)
        {
            var points = Enumerable.Range(first, Math.Min(batch, count - first + 1))
                .Select(s => new MetricPoint("student/train_loss", s, 2.0 / Math.Sqrt(s) + 0.05 * random.NextDouble(), start.AddMilliseconds(s)))
                .ToList();
            store.AppendMetrics(id, points);
        }
        var epoch = Math.Max(1, count / 100);
        store.AppendMetrics(id, [.. Enumerable.Range(1, 100).Select(e => new MetricPoint("student/epoch_seconds", (long)e * epoch, 1, start.AddMilliseconds(e * epoch)))]);
        Console.WriteLine($"Seeded {count:N0} points in {clock.Elapsed.TotalSeconds:0} s.");
        return id;
    }
}
