using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Vinula.Runs.Storage;
using Vinula.Engine.Hosting;
using Vinula.Shared;
using Vinula.Shared.Runs;

namespace Vinula.Benchmarks;

/// <summary>
/// How long the run list's queries take with many runs stored: the real dashboard (in-process test server) on a
/// database seeded with <c>runs</c> realistic finished runs (a config of a few KB, ~15 summary keys, tags, notes),
/// each query timed cold once and then as the mean of <c>repeats</c> calls, and the Runs page in a headless Chromium
/// (navigation until its first row shows). Measured, not asserted:
/// <c>dotnet run -c Release --project tests/Benchmarks -- runs-list [runs] [repeats]</c>.
/// </summary>
public static class RunsListCost
{
    /// <summary>What the list is asked most: its default, each filter, each kind of sort, and the page.</summary>
    private static readonly string[] Requests =
    [
        "api/runs?take=50",
        "api/runs?take=50&q=ablation",
        "api/runs?take=50&q=zzz-nothing-matches",
        "api/runs?take=50&tag=Batch-7",
        "api/runs?take=50&kind=vae&status=completed",
        "api/runs?take=50&sort=-summary.student.test_accuracy",
        "api/runs?take=50&sort=-duration",
        "api/runs?take=50&sort=name",
        "api/runs?take=50&skip=9000",
    ];

    /// <summary>The page as a user opens it: prerendered, so the rows are in the first HTML; the page is live (clicks
    /// work) once its circuit has connected and rendered it again.</summary>
    private static readonly string[] Pages = ["/", "/?tag=batch-3&sort=-duration", "/?q=ablation", "/?sort=-summary.student.test_accuracy"];

    public static async Task RunAsync(int runs, int repeats)
    {
        var root = RepositoryRoot.Find();
        var database = Path.Combine(Path.GetTempPath(), $"vinula-runs-list-{Guid.NewGuid():N}.db");
        var seeding = Stopwatch.StartNew();
        Seed(database, runs);
        Console.WriteLine($"Seeded {runs:N0} finished runs in {seeding.Elapsed.TotalSeconds:0.0} s ({new FileInfo(database).Length / 1e6:0.0} MB).");
        try
        {
            await using var factory = new BenchmarkDashboard(root, database);
            factory.UseKestrel(0);
            factory.StartServer();
            var baseUrl = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
            using var http = new HttpClient { BaseAddress = new Uri(baseUrl + "/") };
            // The app's own start-up (JIT, the first query's plan) is not what a list costs.
            await http.GetStringAsync("api/runs?take=1");
            foreach (var request in Requests)
            {
                var timer = Stopwatch.StartNew();
                var body = await http.GetStringAsync(request);
                var first = timer.Elapsed.TotalMilliseconds;
                timer.Restart();
                for (var i = 0; i < repeats; i++) await http.GetStringAsync(request);
                var mean = timer.Elapsed.TotalMilliseconds / repeats;
                Console.WriteLine($"{"GET /" + request,-66} first {first,7:0.0} ms, mean of {repeats} {mean,7:0.0} ms, {body.Length / 1024.0,6:0.0} KiB");
            }
            Breakdown(factory.Services, repeats);
            await PagesAsync(baseUrl, repeats);
        }
        finally
        {
            foreach (var file in new[] { database, Path.ChangeExtension(database, null) + "-log.db" })
                if (File.Exists(file)) File.Delete(file);
        }
    }

    /// <summary>Where a default page's time goes, in process: the count, the page of documents, their DTOs, the JSON;
    /// and the two reads that scan: text search and the tag list.</summary>
    private static void Breakdown(IServiceProvider services, int repeats)
    {
        var store = services.GetRequiredService<IRunStore>();
        var parts = new (string Name, Action Work)[]
        {
            ("count (total)", () => store.Page(new RunListFilter(), RunSort.Default, 0, 1)),
            ("page of 50 documents + count", () => store.Page(new RunListFilter(), RunSort.Default, 0, 50)),
            ("page of 50 as DTOs", () => store.Page(new RunListFilter(), RunSort.Default, 0, 50).Items.Select(RunDocument.ToDto).ToList()),
            ("page of 50 as JSON", () => JsonSerializer.Serialize(store.Page(new RunListFilter(), RunSort.Default, 0, 50).Items.Select(RunDocument.ToDto).ToList(), VinulaJson.Options)),
            ("text search, no match", () => store.Page(new RunListFilter(Text: "zzz-nothing-matches"), RunSort.Default, 0, 50)),
            ("every tag in use (the tag filter's list)", () => store.AllTags()),
        };
        foreach (var (name, work) in parts)
        {
            work();
            var timer = Stopwatch.StartNew();
            for (var i = 0; i < repeats; i++) work();
            Console.WriteLine($"{"  in process: " + name,-66} mean of {repeats} {timer.Elapsed.TotalMilliseconds / repeats,7:0.0} ms");
        }
    }

    /// <summary>From navigation to the rows on screen, and to the page live, in a headless Chromium: cold once, then
    /// the mean of <paramref name="repeats"/> fresh tabs.</summary>
    private static async Task PagesAsync(string baseUrl, int repeats)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Environment.GetEnvironmentVariable("VINULA_CHROMIUM") is { Length: > 0 } c ? c : "/usr/bin/chromium",
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
        });
        foreach (var path in Pages)
        {
            var times = new List<double>();
            var live = new List<double>();
            for (var i = 0; i <= repeats; i++)
            {
                var page = await browser.NewPageAsync(new() { BaseURL = baseUrl, ViewportSize = new() { Width = 1280, Height = 900 } });
                var timer = Stopwatch.StartNew();
                await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.Commit });
                await page.Locator("[data-testid=runs-table] tbody tr").First.WaitForAsync();
                times.Add(timer.Elapsed.TotalMilliseconds);
                await page.Locator("[data-interactive='true']").WaitForAsync();
                live.Add(timer.Elapsed.TotalMilliseconds);
                await page.CloseAsync();
            }
            Console.WriteLine($"{"page " + path,-66} rows shown: first {times[0],7:0.0} ms, mean of {repeats} {times.Skip(1).Average(),7:0.0} ms; " +
                $"live: first {live[0],7:0.0} ms, mean {live.Skip(1).Average(),7:0.0} ms");
        }
    }

    /// <summary>Runs shaped like real ones: the kinds mixed, a resolved config of a few KB, a summary of ~15 keys
    /// (some kinds lack the student's accuracy, as in life), 1–3 tags, notes on every fifth run, durations that
    /// differ.</summary>
    public static void Seed(string database, int runs)
    {
        using var store = new LiteRunStore(database);
        var kinds = new[] { "distill", "vae", "gan", "autoencoder", "temperature-sweep" };
        var start = DateTime.UtcNow.AddDays(-60);
        var config = "{" + string.Join(",", Enumerable.Range(0, 120).Select(i => $"\"field{i}\":{{\"value\":{i * 0.5},\"note\":\"setting {i}\"}}")) + "}";
        var random = new Random(1);
        for (var i = 0; i < runs; i++)
        {
            var created = start.AddSeconds(i * 300);
            var kind = kinds[i % kinds.Length];
            var summary = Enumerable.Range(0, 14).ToDictionary(k => $"metric.{kind}.{k}", k => random.NextDouble());
            if (kind is "distill" or "temperature-sweep") summary["student.test_accuracy"] = 0.85 + random.NextDouble() / 10;
            else summary["test.mse"] = random.NextDouble() / 10;
            var run = new RunDocument
            {
                Id = $"seed-{i:00000}",
                Name = $"{kind} run {i} lr {random.Next(1, 9)}e-3",
                Kind = kind,
                ConfigJson = config,
                CreatedAt = created,
                StartedAt = created.AddSeconds(2),
                FinishedAt = created.AddSeconds(2 + random.Next(20, 3600)),
                ProgressFraction = 1,
                Tags = [.. new[] { $"batch-{i % 20}", i % 3 == 0 ? "baseline" : "student", i % 7 == 0 ? "ablation" : "" }.Where(t => t.Length > 0)],
                Notes = i % 5 == 0 ? string.Concat(Enumerable.Repeat($"Run {i.ToString(CultureInfo.InvariantCulture)}: looked at the curves, nothing odd. ", 10)) : null,
                Summary = summary,
            };
            run.SetStatus(RunStatus.Queued, created);
            run.SetStatus(RunStatus.Running, run.StartedAt.Value);
            run.SetStatus(RunStatus.Completed, run.FinishedAt.Value);
            store.Insert(run);
        }
    }
}
