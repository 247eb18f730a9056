using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Vinula.Dashboard.Runs;
using Vinula.Engine.Hosting;
using Vinula.Shared;
using Vinula.Shared.Runs;
using static TorchSharp.torch;

namespace Vinula.Benchmarks;

/// <summary>
/// Whether memory grows from run to run: the real dashboard (in process, its HTTP API, one run at a time) trains a
/// VAE and a GAN alternately, 1 and 2 epochs in turn, and after each run prints the resident set (VmRSS from
/// <c>/proc/self/status</c>), the managed heap, libtorch's live tensors (TorchSharp's process-wide
/// <see cref="Tensor.TotalCount"/>: tensors created and not yet disposed or finalised) and glibc's heap (bytes in
/// use and bytes free but kept, <c>mallinfo2</c>). A leak shows as growing tensors or bytes in use; an allocator
/// that keeps what runs freed, as growing free bytes with the bytes in use flat. Measured, not asserted:
/// <c>dotnet run -c Release --project tests/Benchmarks -- memory [runs] [trainSize]</c>.
/// </summary>
public static class MemoryAcrossRuns
{
    public static async Task RunAsync(int runs, int trainSize)
    {
        var root = RepositoryRoot.Find();
        var database = Path.Combine(Path.GetTempPath(), $"vinula-memory-{Guid.NewGuid():N}.db");
        try
        {
            // VINULA_BENCH_RELEASE=false: as before the release after each run (no collection, no trim).
            var release = Environment.GetEnvironmentVariable("VINULA_BENCH_RELEASE") is { Length: > 0 } r ? r : "true";
            await using var factory = new BenchmarkDashboard(root, database,
                settings: new Dictionary<string, string>
                {
                    ["Engine:ReleaseMemoryAfterRun"] = release,
                    ["Logging:LogLevel:Vinula.Runs.RunExecutor"] = "Debug", // what each release took
                });
            using var http = factory.CreateClient();
            http.Timeout = TimeSpan.FromMinutes(30);
            Console.WriteLine($"{runs} runs, VAE and GAN alternating, 1 or 2 epochs on {trainSize:N0} digits, one at a time; memory released after each run: {release}.");
            var scheduler = factory.Services.GetRequiredService<RunExecutor>();
            Console.WriteLine("  run kind epochs   seconds  RSS MB (anon  file)  GC heap/committed MB  tensors left  Tensor.TotalCount  glibc in use/free kept MB");
            Print("start", "", 0, 0, scheduler);
            var rss = new List<double>();
            for (var i = 1; i <= runs; i++)
            {
                var kind = i % 2 == 1 ? "vae" : "gan";
                var epochs = (i + 1) / 2 % 2 == 1 ? 1 : 2;
                var clock = Stopwatch.StartNew();
                var run = await TrainAsync(http, kind, $$"""{ "epochs": {{epochs}}, "trainSize": {{trainSize}}, "seed": {{i}} }""");
                if (run.Status != RunStatus.Completed) throw new InvalidOperationException($"Run {i} ({kind}) ended {run.Status}: {run.Error}");
                while (scheduler.IsRunning(run.Id)) await Task.Delay(20); // its thread's end: counted and released
                rss.Add(Print(i.ToString(), kind, epochs, clock.Elapsed.TotalSeconds, scheduler));
            }
            if (rss.Count >= 2)
                Console.WriteLine($"RSS after run {rss.Count} is {(rss[^1] / rss[1] - 1) * 100:+0.0;-0.0} % of after run 2 ({rss[1]:0} → {rss[^1]:0} MB).");
        }
        finally
        {
            foreach (var file in new[] { database, Path.ChangeExtension(database, null) + "-log.db" })
                if (File.Exists(file)) File.Delete(file);
        }
    }

    private static async Task<RunDto> TrainAsync(HttpClient http, string kind, string config)
    {
        var response = await http.PostAsync("api/runs", new StringContent($$"""{ "kind": "{{kind}}", "config": {{config}} }""", Encoding.UTF8, "application/json"));
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException(await response.Content.ReadAsStringAsync());
        var run = (await response.Content.ReadFromJsonAsync<RunDto>(VinulaJson.Options))!;
        while (!run.Status.IsFinished())
        {
            await Task.Delay(200);
            run = (await http.GetFromJsonAsync<RunDto>($"api/runs/{run.Id}", VinulaJson.Options))!;
        }
        return run;
    }

    /// <summary>One line of readings; returns the resident set in MB.</summary>
    private static double Print(string label, string kind, int epochs, double seconds, RunExecutor scheduler)
    {
        var rss = ResidentMegabytes();
        var heap = NativeAllocator.Heap();
        var gc = GC.GetGCMemoryInfo();
        Console.WriteLine($"{label,5} {kind,4} {(epochs > 0 ? epochs.ToString() : ""),6} {seconds,9:0.0} {rss,7:0} ({Status("RssAnon:"),5:0} {Status("RssFile:"),5:0}) " +
                          $"{GC.GetTotalMemory(false) / 1048576.0,10:0} / {gc.TotalCommittedBytes / 1048576.0,-9:0} " +
                          $"{scheduler.TensorsLeftByRuns,13:N0} {Tensor.TotalCount,17:N0} {(heap is { } h ? $"{h.InUse / 1048576.0,10:0} / {h.FreeKept / 1048576.0:0}" : "")}");
        return rss;
    }

    /// <summary>VmRSS from <c>/proc/self/status</c>, in MB (the process's working set elsewhere).</summary>
    public static double ResidentMegabytes() => Status("VmRSS:") is var rss and > 0 ? rss : Environment.WorkingSet / 1048576.0;

    /// <summary>A kB line of <c>/proc/self/status</c> in MB (RssAnon: heaps; RssFile: mapped code and files); 0 elsewhere.</summary>
    private static double Status(string field)
    {
        if (File.Exists("/proc/self/status"))
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith(field, StringComparison.Ordinal))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
        return 0;
    }
}
