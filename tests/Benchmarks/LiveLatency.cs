using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Vinula.Dashboard.Runs;
using Vinula.Engine.Hosting;
using Vinula.Shared;
using Vinula.Shared.Events;
using Vinula.Shared.Runs;

namespace Vinula.Benchmarks;

/// <summary>
/// How long a run's event takes to reach a client and a screen while <c>runs</c> runs train at once: the real
/// dashboard on Kestrel (<c>Engine:MaxConcurrentRuns</c> = <c>runs</c>), VAEs and GANs alternating (2 epochs on
/// <c>trainSize</c> digits, 20,000 by default, so each trains for a while under the others' load), a real SignalR client per run, and a headless
/// Chromium with the Runs page and <c>pages</c> Run pages open. Measured, not asserted:
/// <c>dotnet run -c Release --project tests/Benchmarks -- live [runs] [pages] [trainSize]</c>.
/// <para><b>Publish time.</b> The benchmark subscribes to the server's event bus (<see cref="RunEventBus"/>) with a
/// filter that keeps nothing: a filter runs on the publisher's thread inside <c>Publish</c>, so it stamps each event
/// with <c>DateTime.UtcNow</c> at the moment the run publishes it, microseconds after the hub relay's queue got it
/// (the relay subscribed first). Progress is keyed by run and step (and by the bar's value, <c>fraction × 100</c>),
/// metric batches by run, first and last step and size, status changes by run and status; a repeat keeps the first
/// stamp. Events carry no send time of their own (a <see cref="MetricPoint"/>'s <c>Time</c> is when the step
/// recorded it, up to the sink's 250 ms batching earlier), so this is the common zero for both measurements.</para>
/// <para><b>Event → SignalR client.</b> One <see cref="HubConnection"/> per run over WebSockets, each calling
/// <c>Subscribe(runId)</c> (a run's group: its progress, status and metric batches), plus one calling
/// <c>SubscribeAll()</c> as the Runs page's clients do; each handler stamps <c>DateTime.UtcNow</c> on arrival. Latency =
/// arrival − publish, for every event that arrived and was stamped (events published before a client subscribed are
/// not counted). The clients run in this process, so they share the 2 cores with training, as a browser would.</para>
/// <para><b>Event → on screen.</b> Each Chromium page gets, before any script of its own, a MutationObserver on the
/// whole document. When the DOM changes it reads every progress bar (<c>[role=progressbar]</c>, its
/// <c>aria-valuenow</c> is the run's <c>fraction × 100</c>) and status chip (<c>[data-status]</c>) with the run they
/// belong to (the Run page's URL; on the Runs page, the row's link), and for each value that changed takes
/// <c>Date.now()</c> in the next <c>requestAnimationFrame</c> callback: the start of the frame that paints it.
/// Latency = that time − the publish stamp of the progress event whose <c>fraction × 100</c> equals the value (or of
/// the status change). Browser and server read the same machine's wall clock (<c>Date.now()</c> and
/// <c>DateTime.UtcNow</c>, milliseconds since 1970 UTC), so the difference needs no synchronisation. The Runs page
/// repaints progress every 5 s by design (README, "Benchmarks"), so its progress latency is reported apart from its
/// status changes, which it shows at once.</para>
/// </summary>
public static class LiveLatency
{
    private static readonly ConcurrentDictionary<string, double> Published = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, List<(double Percent, double At)>> Bars = new(StringComparer.Ordinal);

    public static async Task RunAsync(int runs, int pages, int trainSize)
    {
        var root = RepositoryRoot.Find();
        var database = Path.Combine(Path.GetTempPath(), $"vinula-live-{Guid.NewGuid():N}.db");
        try
        {
            await using var factory = new BenchmarkDashboard(root, database, maxConcurrentRuns: runs);
            factory.UseKestrel(0);
            factory.StartServer();
            var baseUrl = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
            using var http = new HttpClient { BaseAddress = new Uri(baseUrl + "/") };
            using var stamps = factory.Services.GetRequiredService<RunEventBus>().Subscribe(_ => { }, e =>
            {
                Stamp(e);
                return false;
            });

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = Environment.GetEnvironmentVariable("VINULA_CHROMIUM") is { Length: > 0 } c ? c : "/usr/bin/chromium",
                Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
            });
            var context = await browser.NewContextAsync(new() { BaseURL = baseUrl, ViewportSize = new() { Width = 1440, Height = 1000 } });
            await context.AddInitScriptAsync(ObserverScript);
            var (list, listLive) = await OpenAsync(context, "/");

            var all = await ConnectAsync(baseUrl, "all", null);
            Console.WriteLine($"{runs} runs at once (VAE and GAN alternating, 2 epochs on {trainSize:N0} digits), the Runs page and {pages} Run pages open; load average {LoadAverage()}.");
            var ids = new List<string>();
            var clients = new List<Client> { all };
            for (var i = 0; i < runs; i++)
            {
                var kind = i % 2 == 0 ? "vae" : "gan";
                var response = await http.PostAsync("api/runs", new StringContent(
                    $$"""{ "kind": "{{kind}}", "config": { "epochs": 2, "trainSize": {{trainSize}}, "seed": {{i + 1}} } }""", Encoding.UTF8, "application/json"));
                if (!response.IsSuccessStatusCode) throw new InvalidOperationException(await response.Content.ReadAsStringAsync());
                var run = (await response.Content.ReadFromJsonAsync<RunDto>(VinulaJson.Options))!;
                ids.Add(run.Id);
                clients.Add(await ConnectAsync(baseUrl, "run", run.Id));
            }
            var runPages = new List<(IPage Page, double LiveAt)>();
            foreach (var id in ids.Take(pages))
                runPages.Add(await OpenAsync(context, $"/runs/{id}"));

            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (true)
            {
                await Task.Delay(1000);
                var statuses = await Task.WhenAll(ids.Select(id => http.GetFromJsonAsync<RunDto>($"api/runs/{id}", VinulaJson.Options)));
                if (statuses.All(r => r!.Status.IsFinished()))
                {
                    if (statuses.FirstOrDefault(r => r!.Status != RunStatus.Completed) is { } bad)
                        Console.WriteLine($"  run {bad.Id} ended {bad.Status}: {bad.Error}");
                    break;
                }
            }
            await Task.Delay(1500); // the last repaints
            Console.WriteLine($"All {runs} runs finished in {clock.Elapsed.TotalSeconds:0} s; load average {LoadAverage()}.");

            Console.WriteLine();
            Console.WriteLine("event → SignalR client (ms)                   events      p50      p95      max");
            foreach (var group in clients.SelectMany(c => c.Latencies).GroupBy(l => l.What).OrderBy(g => g.Key))
                Report(group.Key, [.. group.Select(l => l.Ms)]);
            Report("all events", [.. clients.SelectMany(c => c.Latencies).Select(l => l.Ms)]);

            Console.WriteLine();
            Console.WriteLine("event → on screen in Chromium (ms)            events      p50      p95      max");
            var screen = new List<(string What, double Ms)>();
            foreach (var (page, liveAt, name) in runPages.Select(p => (p.Page, p.LiveAt, "Run page")).Append((list, listLive, "Runs page")))
                screen.AddRange(Match(name, liveAt, await page.EvaluateAsync<double[][]>("window.__vinulaSeen.map(s => [s[0], s[2] === 'progress' ? s[3] : 0])"),
                    await page.EvaluateAsync<string[][]>("window.__vinulaSeen.map(s => [s[1], s[2], String(s[3])])")));
            foreach (var group in screen.GroupBy(l => l.What).OrderBy(g => g.Key))
                Report(group.Key, [.. group.Select(l => l.Ms)]);
            Report("Run pages, progress and status", [.. screen.Where(l => l.What.StartsWith("Run page", StringComparison.Ordinal)).Select(l => l.Ms)]);

            foreach (var client in clients) await client.Connection.DisposeAsync();
        }
        finally
        {
            foreach (var file in new[] { database, Path.ChangeExtension(database, null) + "-log.db" })
                if (File.Exists(file)) File.Delete(file);
        }
    }

    /// <summary>The machine's 1-, 5- and 15-minute load averages: how quiet the measurement was.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static double Now() => (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds;

    /// <summary>On the publishing thread: the first time each event was published.</summary>
    private static void Stamp(RunEvent e)
    {
        var now = Now();
        switch (e)
        {
            case RunProgressChanged p:
                Published.TryAdd(ProgressKey(p), now);
                var bars = Bars.GetOrAdd(p.RunId, _ => []);
                lock (bars) bars.Add((p.Progress.Fraction * 100, now));
                break;
            case RunStatusChanged s:
                Published.TryAdd(StatusKey(s.RunId, s.Status.ToString().ToLowerInvariant()), now);
                break;
            case MetricsAppended m when m.Points.Count > 0:
                Published.TryAdd(MetricsKey(m), now);
                break;
        }
    }

    private static string ProgressKey(RunProgressChanged p) => $"{p.RunId}|progress|{p.Progress.Step}|{p.Progress.Fraction:R}";
    private static string StatusKey(string runId, string status) => $"{runId}|status|{status}";
    private static string MetricsKey(MetricsAppended m) => $"{m.RunId}|metrics|{m.Points[0].Step}|{m.Points[^1].Step}|{m.Points.Count}";

    private sealed record Client(HubConnection Connection, ConcurrentBag<(string What, double Ms)> Latencies);

    /// <summary>A client subscribed to one run (<c>Subscribe</c>, as a Run page's client) or to all (<c>SubscribeAll</c>).</summary>
    private static async Task<Client> ConnectAsync(string baseUrl, string name, string? runId)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl($"{baseUrl}/hubs/runs", o => o.Transports = HttpTransportType.WebSockets)
            .AddJsonProtocol(o => VinulaJson.Configure(o.PayloadSerializerOptions))
            .Build();
        var client = new Client(connection, []);
        void Arrived(string what, string key)
        {
            var now = Now();
            if (Published.TryGetValue(key, out var at)) client.Latencies.Add(($"{what} ({name})", now - at));
        }
        connection.On<RunProgressChanged>(nameof(IRunsClient.RunProgressChanged), p => Arrived("progress", ProgressKey(p)));
        connection.On<RunStatusChanged>(nameof(IRunsClient.RunStatusChanged), s => Arrived("status", StatusKey(s.RunId, s.Status.ToString().ToLowerInvariant())));
        connection.On<MetricsAppended>(nameof(IRunsClient.MetricsAppended), m =>
        {
            if (m.Points.Count > 0) Arrived("metrics", MetricsKey(m));
        });
        await connection.StartAsync();
        if (runId is null) await connection.InvokeAsync("SubscribeAll");
        else await connection.InvokeAsync("Subscribe", runId);
        return client;
    }

    /// <summary>Opens a page and waits until its circuit is live: its WebSocket open, then a second to render. What
    /// was published before then reaches the page as its first snapshot, not as an event, and is not counted.</summary>
    private static async Task<(IPage Page, double LiveAt)> OpenAsync(IBrowserContext context, string path)
    {
        var page = await context.NewPageAsync();
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        page.WebSocket += (_, _) => connected.TrySetResult();
        await page.GotoAsync(path);
        await Task.WhenAny(connected.Task, Task.Delay(TimeSpan.FromSeconds(30)));
        await Task.Delay(1000);
        return (page, Now());
    }

    /// <summary>Pairs what a page showed with when it was published: a bar's value with the first progress event of
    /// that run at that fraction, a chip with the run's move to that status. Events published before the page was
    /// live are left out.</summary>
    private static IEnumerable<(string What, double Ms)> Match(string page, double liveAt, double[][] times, string[][] seen)
    {
        for (var i = 0; i < seen.Length; i++)
        {
            var (shownAt, runId, kind, value) = (times[i][0], seen[i][0], seen[i][1], seen[i][2]);
            double? published = null;
            if (kind == "status")
                published = Published.TryGetValue(StatusKey(runId, value), out var at) ? at : null;
            else if (Bars.TryGetValue(runId, out var bars))
                lock (bars) published = bars.Where(b => Math.Abs(b.Percent - times[i][1]) < 1e-6).Select(b => (double?)b.At).FirstOrDefault();
            if (published is { } t && t >= liveAt) yield return ($"{page}, {kind}", shownAt - t);
        }
    }

    internal static void Report(string what, double[] ms)
    {
        if (ms.Length == 0)
        {
            Console.WriteLine($"  {what,-42} {0,7}");
            return;
        }
        Array.Sort(ms);
        Console.WriteLine($"  {what,-42} {ms.Length,7} {Percentile(ms, 0.50),8:0.0} {Percentile(ms, 0.95),8:0.0} {ms[^1],8:0.0}");
    }

    private static double Percentile(double[] sorted, double q)
    {
        var position = q * (sorted.Length - 1);
        var (low, high) = ((int)Math.Floor(position), (int)Math.Ceiling(position));
        return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
    }

    /// <summary>Runs in every page before its own scripts. Records [time, run, "progress"|"status", value] for every
    /// progress bar or status chip whose value changed, timed at the next animation frame (the frame that paints it).</summary>
    private const string ObserverScript = """
        (() => {
          window.__vinulaSeen = [];
          const last = new Map();
          const runOf = el => {
            const path = location.pathname.match(/^\/runs\/([^/?#]+)/);
            if (path) return decodeURIComponent(path[1]);
            const link = el.closest('tr')?.querySelector('a[href^="/runs/"]');
            return link ? decodeURIComponent(link.getAttribute('href').slice(6)) : null;
          };
          const scan = () => {
            const changed = [];
            for (const el of document.querySelectorAll('[role=progressbar][aria-valuenow], [data-status]')) {
              const run = runOf(el);
              if (!run) continue;
              const kind = el.hasAttribute('data-status') ? 'status' : 'progress';
              const value = kind === 'status' ? el.getAttribute('data-status') : parseFloat(el.getAttribute('aria-valuenow'));
              const key = run + '|' + kind;
              if (last.get(key) === value) continue;
              last.set(key, value);
              changed.push([run, kind, value]);
            }
            if (changed.length) requestAnimationFrame(() => {
              const now = Date.now();
              for (const [run, kind, value] of changed) window.__vinulaSeen.push([now, run, kind, value]);
            });
          };
          const start = () => new MutationObserver(scan).observe(document.documentElement,
            { subtree: true, childList: true, attributes: true, characterData: true });
          if (document.documentElement) start(); else document.addEventListener('DOMContentLoaded', start);
        })();
        """;
}
