using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Vinula.Dashboard.Storage;
using Vinula.Engine.Hosting;
using Vinula.Shared;
using Vinula.Shared.Runs;

namespace Vinula.Benchmarks;

/// <summary>
/// What an open Runs page costs a training run, with many runs in the store: the real dashboard on Kestrel, a
/// database seeded with <c>runs</c> finished runs, and a VAE trained with and without a headless Chromium showing
/// <c>/</c>, interleaved (the order alternates per round). Reports the VAE's mean epoch time (epoch 1, the warm-up,
/// left out) each way and their ratio. Measured, not asserted:
/// <c>dotnet run -c Release --project tests/Benchmarks -- runs-page [runs] [rounds]</c>.
/// </summary>
public static class RunsPageCost
{
    private const string VaeConfig = """{ "epochs": 4, "latentDim": 2, "seed": 1 }""";

    public static async Task RunAsync(int runs, int rounds)
    {
        var root = RepositoryRoot.Find();
        var database = Path.Combine(Path.GetTempPath(), $"vinula-runs-page-{Guid.NewGuid():N}.db");
        Seed(database, runs);
        Console.WriteLine($"Seeded {runs:N0} finished runs.");

        await using var factory = new Factory(root, database);
        factory.UseKestrel(0);
        factory.StartServer();
        var baseUrl = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl + "/") };

        var listTime = Stopwatch.StartNew();
        await http.GetStringAsync("api/runs?take=50");
        Console.WriteLine($"GET /api/runs?take=50 (first): {listTime.Elapsed.TotalMilliseconds:0} ms");
        listTime.Restart();
        for (var i = 0; i < 10; i++) await http.GetStringAsync("api/runs?take=50");
        Console.WriteLine($"GET /api/runs?take=50 (mean of 10): {listTime.Elapsed.TotalMilliseconds / 10:0.0} ms");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Environment.GetEnvironmentVariable("VINULA_CHROMIUM") is { Length: > 0 } c ? c : "/usr/bin/chromium",
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
        });

        var closed = new List<double>();
        var open = new List<double>();
        await EpochSecondsAsync(http, null); // warm-up: MNIST loaded, libtorch initialised
        // And the page's: its first render JIT-compiles the table's components, and tiered compilation goes on in
        // the background for seconds; measured in a round, that is start-up, not what an open page costs.
        var warm = await browser.NewPageAsync(new() { BaseURL = baseUrl });
        await warm.GotoAsync("/");
        await warm.Locator("[data-testid=runs-table]").WaitForAsync();
        await EpochSecondsAsync(http, warm);
        var shot = Path.Combine(Path.GetTempPath(), "vinula-runs-page-live.png");
        await warm.CloseAsync();
        for (var round = 0; round < rounds; round++)
        {
            foreach (var withPage in round % 2 == 0 ? new[] { false, true } : [true, false])
            {
                IPage? page = null;
                if (withPage)
                {
                    page = await browser.NewPageAsync(new() { BaseURL = baseUrl, ViewportSize = new() { Width = 1440, Height = 1000 } });
                    await page.GotoAsync("/");
                    await page.Locator("[data-testid=runs-table]").WaitForAsync();
                }
                var seconds = await EpochSecondsAsync(http, page, round == 0 ? shot : null);
                (withPage ? open : closed).Add(seconds);
                Console.WriteLine($"round {round + 1}: Runs page {(withPage ? "open  " : "closed")} {seconds:0.000} s an epoch");
                if (page is not null) await page.CloseAsync();
            }
        }

        var ratio = open.Average() / closed.Average();
        Console.WriteLine($"mean epoch: closed {closed.Average():0.000} s, open {open.Average():0.000} s; " +
                          $"the open page costs {(ratio - 1) * 100:+0.0;-0.0} % of the run's speed.");
        foreach (var file in new[] { database, Path.ChangeExtension(database, null) + "-log.db" })
            if (File.Exists(file)) File.Delete(file);
    }

    private static void Seed(string database, int runs)
    {
        using var store = new RunStore(database);
        var kinds = new[] { "distill", "vae", "gan", "autoencoder" };
        var start = DateTime.UtcNow.AddDays(-30);
        for (var i = 0; i < runs; i++)
        {
            var created = start.AddSeconds(i * 60);
            var run = new RunDocument
            {
                Id = $"seed-{i:00000}", Name = $"seeded run {i}", Kind = kinds[i % kinds.Length], ConfigJson = """{"epochs":10}""",
                CreatedAt = created, StartedAt = created, FinishedAt = created.AddMinutes(1), ProgressFraction = 1,
                Tags = [$"batch-{i % 20}"], Summary = new() { ["student.test_accuracy"] = 0.9 + i % 100 / 1000.0 },
            };
            run.SetStatus(RunStatus.Queued, created);
            run.SetStatus(RunStatus.Running, created);
            run.SetStatus(RunStatus.Completed, created.AddMinutes(1));
            store.Insert(run);
        }
    }

    /// <summary>Trains the VAE; returns its mean epoch time after the first epoch.</summary>
    private static async Task<double> EpochSecondsAsync(HttpClient http, IPage? page, string? screenshot = null)
    {
        var response = await http.PostAsync("api/runs", new StringContent($$"""{ "kind": "vae", "config": {{VaeConfig}} }""", Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        var run = (await response.Content.ReadFromJsonAsync<RunDto>(VinulaJson.Options))!;
        while (!run.Status.IsFinished())
        {
            await Task.Delay(500);
            run = (await http.GetFromJsonAsync<RunDto>($"api/runs/{run.Id}", VinulaJson.Options))!;
            if (screenshot is not null && page is not null && run.Status == RunStatus.Running && run.Progress.Fraction > 0.5)
            {
                await page.ScreenshotAsync(new() { Path = screenshot });
                Console.WriteLine($"  the live list: {screenshot}");
                screenshot = null;
            }
        }
        if (run.Status != RunStatus.Completed) throw new InvalidOperationException($"The VAE run ended {run.Status}: {run.Error}");
        if (page is not null && await page.Locator($"text={run.Name}").CountAsync() == 0)
            Console.WriteLine("  (the Runs page did not show the new run: it is not live)");
        var series = JsonDocument.Parse(await http.GetStringAsync($"api/runs/{run.Id}/metrics")).RootElement.GetProperty("series");
        return series.GetProperty("vae/epoch_seconds").EnumerateArray().Skip(1).Average(p => p[1].GetDouble());
    }

    private sealed class Factory(string root, string database) : WebApplicationFactory<Program>
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
}
