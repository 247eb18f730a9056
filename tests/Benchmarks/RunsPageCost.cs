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
using Vinula.Runs.Storage;
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
    /// <summary>The page kept open; <c>VINULA_BENCH_PAGE=/datasets</c> measures what any open page costs, for contrast.</summary>
    private static readonly string PagePath = Environment.GetEnvironmentVariable("VINULA_BENCH_PAGE") is { Length: > 0 } p ? p : "/";

    private const string VaeConfig = """{ "epochs": 8, "latentDim": 2, "seed": 1 }""";

    public static async Task RunAsync(int runs, int rounds)
    {
        var root = RepositoryRoot.Find();
        var database = Path.Combine(Path.GetTempPath(), $"vinula-runs-page-{Guid.NewGuid():N}.db");
        Seed(database, runs);
        Console.WriteLine($"Seeded {runs:N0} finished runs.");

        await using var factory = new BenchmarkDashboard(root, database);
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
        // What the page costs with nothing training: a page that stays still should cost the browser nothing.
        foreach (var idle in new[] { "about:blank", PagePath })
        {
            await warm.GotoAsync(idle);
            await Task.Delay(2000);
            var animations = await warm.EvaluateAsync<string[]>(
                "document.getAnimations().map(a => (a.animationName || a.transitionProperty || 'animation') + ' on ' + (a.effect && a.effect.target ? a.effect.target.tagName + '.' + a.effect.target.className : '?'))");
            if (animations.Length > 0) Console.WriteLine($"  running animations on {idle}: {string.Join("; ", animations)}");
            var idleCdp = await warm.Context.NewCDPSessionAsync(warm);
            await idleCdp.SendAsync("Performance.enable");
            var metricsBefore = await RendererMetricsAsync(idleCdp);
            var before = BrowserCpu();
            await Task.Delay(10_000);
            var metricsAfter = await RendererMetricsAsync(idleCdp);
            double IdleDelta(string key) => metricsAfter.GetValueOrDefault(key) - metricsBefore.GetValueOrDefault(key);
            Console.WriteLine($"idle {idle}: browser CPU {BrowserCpuSince(before) / 10 * 100:0.0} % of a core [{LastBreakdown}]; in 10 s the renderer ran " +
                              $"tasks {IdleDelta("TaskDuration") * 1000:0} ms, script {IdleDelta("ScriptDuration") * 1000:0} ms, {IdleDelta("RecalcStyleCount"):0} style recalcs, " +
                              $"{IdleDelta("LayoutCount"):0} layouts");
        }
        await warm.CloseAsync();
        for (var round = 0; round < rounds; round++)
        {
            foreach (var withPage in round % 2 == 0 ? new[] { false, true } : [true, false])
            {
                IPage? page = null;
                _frames = 0;
                if (withPage)
                {
                    page = await browser.NewPageAsync(new() { BaseURL = baseUrl, ViewportSize = new() { Width = 1440, Height = 1000 } });
                    page.WebSocket += (_, socket) => socket.FrameReceived += (_, frame) =>
                    {
                        Interlocked.Increment(ref _frames);
                        var size = frame.Text?.Length ?? frame.Binary?.Length ?? 0;
                        Interlocked.Add(ref _frameBytes, size);
                        lock (FrameSizes) FrameSizes.Add(size);
                    };
                    await page.GotoAsync(PagePath);
                    if (PagePath == "/") await page.Locator("[data-testid=runs-table]").WaitForAsync();
                    else await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
                    await CircuitSettledAsync();
                }
                ICDPSession? cdp = null;
                Dictionary<string, double>? rendererBefore = null;
                if (page is not null)
                {
                    cdp = await page.Context.NewCDPSessionAsync(page);
                    await cdp.SendAsync("Performance.enable");
                    rendererBefore = await RendererMetricsAsync(cdp);
                }
                (_frames, _frameBytes) = (0, 0);
                lock (FrameSizes) FrameSizes.Clear();
                var (browserBefore, serverBefore) = (BrowserCpu(), Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds);
                var wall = Stopwatch.StartNew();
                var seconds = await EpochSecondsAsync(http, page, round == 0 ? shot : null);
                var browserCpu = BrowserCpuSince(browserBefore);
                var serverCpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - serverBefore;
                (withPage ? open : closed).Add(seconds);
                Console.WriteLine($"round {round + 1}: Runs page {(withPage ? "open  " : "closed")} {seconds:0.000} s an epoch " +
                                  $"(run {wall.Elapsed.TotalSeconds:0.0} s; CPU: browser {browserCpu:0.00} s [{LastBreakdown}], this process {serverCpu:0.00} s)");
                if (cdp is not null && rendererBefore is not null)
                {
                    var after = await RendererMetricsAsync(cdp);
                    double Delta(string key) => after.GetValueOrDefault(key) - rendererBefore.GetValueOrDefault(key);
                    Console.WriteLine($"  circuit: {_frames} messages to the page, {_frameBytes / 1024.0:0.0} KiB ({string.Join(", ", FrameSizes.Select(b => $"{b / 1024.0:0.0}"))})");
                    Console.WriteLine($"  renderer: task {Delta("TaskDuration"):0.00} s, script {Delta("ScriptDuration"):0.00} s, " +
                                      $"style {Delta("RecalcStyleDuration"):0.00} s ({Delta("RecalcStyleCount"):0}×), " +
                                      $"layout {Delta("LayoutDuration"):0.00} s ({Delta("LayoutCount"):0}×), {after.GetValueOrDefault("Nodes"):N0} DOM nodes");
                }
                if (page is not null) await page.CloseAsync();
            }
        }

        // Each round pairs an open and a closed run a few seconds apart: their ratio cancels the machine's slower
        // drifts (thermal, other load), so the median of the per-round ratios is the estimate, and their spread says
        // how far to trust it.
        var ratios = open.Zip(closed, (o, c) => o / c).Order().ToArray();
        var median = ratios.Length % 2 == 1 ? ratios[ratios.Length / 2] : (ratios[ratios.Length / 2 - 1] + ratios[ratios.Length / 2]) / 2;
        var mean = ratios.Average();
        var stderr = ratios.Length > 1 ? Math.Sqrt(ratios.Sum(r => (r - mean) * (r - mean)) / (ratios.Length - 1) / ratios.Length) : double.NaN;
        Console.WriteLine($"mean epoch: closed {closed.Average():0.000} s, open {open.Average():0.000} s.");
        Console.WriteLine($"the open page costs {(median - 1) * 100:+0.0;-0.0} % of the run's speed (median of {ratios.Length} rounds; " +
                          $"mean {(mean - 1) * 100:+0.0;-0.0} % ± {stderr * 100:0.0} % standard error).");
        foreach (var file in new[] { database, Path.ChangeExtension(database, null) + "-log.db" })
            if (File.Exists(file)) File.Delete(file);
    }

    private static void Seed(string database, int runs)
    {
        using var store = new LiteRunStore(database);
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

    /// <summary>The table shows before the page is interactive (prerendering); the circuit's first render of the
    /// whole page (~370 KiB) follows. That is opening the page, not keeping it open: wait for the circuit to
    /// connect and go quiet before measuring.</summary>
    private static async Task CircuitSettledAsync()
    {
        var quietSince = DateTime.UtcNow;
        var seen = -1;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            var frames = Volatile.Read(ref _frames);
            if (frames != seen) (seen, quietSince) = (frames, DateTime.UtcNow);
            else if (frames > 0 && DateTime.UtcNow - quietSince > TimeSpan.FromSeconds(1.5)) return;
        }
    }

    /// <summary>Chromium's own counters for the page (DevTools' Performance domain): seconds spent in tasks, script,
    /// style and layout, and how often.</summary>
    private static async Task<Dictionary<string, double>> RendererMetricsAsync(ICDPSession cdp)
    {
        var result = await cdp.SendAsync("Performance.getMetrics");
        return result!.Value.GetProperty("metrics").EnumerateArray()
            .ToDictionary(m => m.GetProperty("name").GetString()!, m => m.GetProperty("value").GetDouble());
    }

    /// <summary>CPU seconds, by process id, used so far by every Chromium process (Linux /proc; none elsewhere):
    /// where an open page's cost goes, the browser's layout and paint or the server's render.</summary>
    private static Dictionary<int, double> BrowserCpu()
    {
        var seconds = new Dictionary<int, double>();
        ProcessTypes.Clear();
        if (!Directory.Exists("/proc/self")) return seconds;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
                if (!cmdline.Contains("chromium", StringComparison.Ordinal)) continue;
                var type = cmdline.IndexOf("--type=", StringComparison.Ordinal) is var at and >= 0 ? cmdline[(at + 7)..].Split('\0', ' ')[0] : "browser";
                ProcessTypes[pid] = type;
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                seconds[pid] = (double.Parse(fields[11]) + double.Parse(fields[12])) / 100; // utime + stime, in USER_HZ
            }
            catch (IOException) { } // the process ended
            catch (UnauthorizedAccessException) { }
        }
        return seconds;
    }

    private static readonly Dictionary<int, string> ProcessTypes = [];
    private static int _frames;
    private static readonly List<int> FrameSizes = [];
    private static long _frameBytes;

    /// <summary>The CPU the browser used between two readings: processes that ended in between are not counted.</summary>
    private static double BrowserCpuSince(Dictionary<int, double> before)
    {
        var used = BrowserCpu().ToDictionary(p => p.Key, p => p.Value - before.GetValueOrDefault(p.Key));
        LastBreakdown = string.Join(", ", used.GroupBy(p => ProcessTypes.GetValueOrDefault(p.Key, "?"))
            .Select(g => $"{g.Key} {g.Sum(p => p.Value):0.00} s"));
        return used.Values.Sum();
    }

    /// <summary>The last reading's CPU by Chromium process type (browser, renderer, gpu-process, utility).</summary>
    private static string LastBreakdown = "";

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
}
