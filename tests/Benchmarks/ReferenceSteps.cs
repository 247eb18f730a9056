using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;
using Vinula.Dashboard.Runs;
using Vinula.Dashboard.Storage;
using Vinula.Engine.Data;
using Vinula.Engine.Hosting;
using Vinula.Engine.Training;
using Vinula.Shared.Runs;
using static TorchSharp.torch;

namespace Vinula.Benchmarks;

/// <summary>
/// Training-step throughput of the four reference models (<see cref="ReferenceModel.All"/>), three ways, interleaved:
/// the engine's full path (its phase driven by the real <see cref="TrainingRunner"/>, batches drawn by the phase,
/// windowed metrics, events, a <see cref="StoreRunSink"/> on a LiteDB store in a temp file as the dashboard wires it),
/// a bare TorchSharp step, and plain PyTorch eager (<c>pytorch/reference_models.py</c>). Also the fp32 matmul peak
/// through TorchSharp and the MLP step's share of it. Measured, not asserted:
/// <c>dotnet run -c Release --project tests/Benchmarks -- steps [threads] [seconds]</c> (threads: 1 and 2 unless given).
/// </summary>
public static class ReferenceSteps
{
    private const int Rounds = 2;

    public static void Run(int[] threadCounts, double seconds)
    {
        TorchSetup.Initialise(new EngineOptions { Threads = threadCounts[0] }); // mallopt as the app does, libtorch loaded
        var warmup = Warmup(seconds);
        var root = RepositoryRoot.Find();
        var script = Path.Combine(root, "tests", "Benchmarks", "pytorch", "reference_models.py");
        var database = Path.Combine(Path.GetTempPath(), $"vinula-steps-{Guid.NewGuid():N}.db");
        Console.WriteLine($"Each measurement: {warmup:0.#} s warm-up, then {seconds:0.#} s timed; {Rounds} rounds per model, the order reversed in the second; " +
                          $"PyTorch: {Python()} ({script}).");

        var rows = new List<Row>();
        var peaks = new Dictionary<int, double>();
        try
        {
            using var data = new EngineData();
            using var store = new RunStore(database);
            var bus = new RunEventBus(NullLogger<RunEventBus>.Instance);
            var lifecycle = new RunLifecycle(store, bus);
            var engine = new EngineSide(store, bus, lifecycle, data);

            foreach (var threads in threadCounts)
            {
                torch.set_num_threads(threads);
                peaks[threads] = MatmulPeak(1024, warmup, seconds);
                Console.WriteLine($"{threads} thread(s): fp32 matmul 1024×1024 through TorchSharp: {peaks[threads]:0.0} GFLOP/s");
                foreach (var model in ReferenceModel.All)
                {
                    var (e, b, p) = (new List<double>(), new List<double>(), new List<double>());
                    for (var round = 0; round < Rounds; round++)
                    {
                        Action[] sides =
                        [
                            () => e.Add(engine.Measure(model, warmup, seconds)),
                            () => b.Add(Bare(model, warmup, seconds)),
                            () => p.Add(PyTorch(script, model, threads, seconds)),
                        ];
                        foreach (var side in round % 2 == 0 ? sides : Enumerable.Reverse(sides))
                            side();
                        Console.WriteLine($"  {model.Name,-12} {threads} thread(s), round {round + 1}: engine {e[^1],8:N0}  bare {b[^1],8:N0}  PyTorch {p[^1],8:N0} samples/s");
                    }
                    rows.Add(new Row(model, threads, e.Average(), b.Average(), p.Average()));
                }
            }
        }
        finally
        {
            File.Delete(database);
        }

        Print(rows, peaks);
    }

    /// <summary>Warm-up before timing: the first steps run at a third of steady speed (stack notes).</summary>
    private static double Warmup(double seconds) => Math.Min(2, seconds / 2);

    private sealed record Row(ReferenceModel Model, int Threads, double Engine, double Bare, double PyTorch);

    private static void Print(List<Row> rows, Dictionary<int, double> peaks)
    {
        Console.WriteLine();
        Console.WriteLine("| model | threads | batch | engine (samples/s) | bare TorchSharp | PyTorch eager | engine/bare | bare/PyTorch |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var r in rows)
            Console.WriteLine($"| {r.Model.Name} | {r.Threads} | {r.Model.Batch} | {r.Engine:N0} | {r.Bare:N0} | {r.PyTorch:N0} | {r.Engine / r.Bare:0.00}× | {r.Bare / r.PyTorch:0.00}× |");
        Console.WriteLine();
        var mlp = (MlpReference)ReferenceModel.All[0];
        foreach (var r in rows.Where(r => r.Model == mlp))
        {
            var gflops = r.Bare / mlp.Batch * mlp.StepFlops / 1e9;
            var engineGflops = r.Engine / mlp.Batch * mlp.StepFlops / 1e9;
            Console.WriteLine($"MLP step, {r.Threads} thread(s): 6·B·Σ(in·out) = {mlp.StepFlops / 1e9:0.000} GFLOP a step; bare {gflops:0.0} GFLOP/s = " +
                              $"{gflops / peaks[r.Threads]:P0} of the {peaks[r.Threads]:0.0} GFLOP/s matmul peak (engine {engineGflops / peaks[r.Threads]:P0}).");
        }
    }

    /// <summary>2n³ multiply-adds per n×n product, timed like the steps.</summary>
    private static double MatmulPeak(int n, double warmup, double seconds)
    {
        using var a = randn(n, n);
        using var b = randn(n, n);
        var clock = new StepClock(warmup, Math.Min(seconds, 2));
        try
        {
            while (true)
            {
                clock.Tick();
                using var c = a.mm(b);
            }
        }
        catch (OperationCanceledException) { }
        return clock.Steps * 2.0 * n * n * n / clock.Elapsed / 1e9;
    }

    private static double Bare(ReferenceModel model, double warmup, double seconds)
    {
        using var step = model.Bare();
        var clock = new StepClock(warmup, seconds);
        try
        {
            while (true)
            {
                clock.Tick();
                step.Run();
            }
        }
        catch (OperationCanceledException) { }
        return clock.Steps * model.Batch / clock.Elapsed;
    }

    /// <summary>Debian's interpreter (python3-torch) unless <c>VINULA_PYTHON</c> names another.</summary>
    private static string Python() =>
        Environment.GetEnvironmentVariable("VINULA_PYTHON") is { Length: > 0 } p ? p
        : File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    /// <summary>The Python twin, in its own process with the allocator tuned as the app tunes its own (mallopt).</summary>
    private static double PyTorch(string script, ReferenceModel model, int threads, double seconds)
    {
        var start = new ProcessStartInfo(Python())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { script, model.Name, threads.ToString(CultureInfo.InvariantCulture), seconds.ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(arg);
        start.Environment["MALLOC_TRIM_THRESHOLD_"] = "2147483647";
        start.Environment["MALLOC_MMAP_THRESHOLD_"] = "33554432";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{script} {model.Name} exited with {process.ExitCode}: {stderr.Result}");
        var result = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]).RootElement;
        return result.GetProperty("samples_per_s").GetDouble();
    }

    /// <summary>Runs a reference model's engine phase as the dashboard runs a run: a run document in the store, its
    /// <see cref="StoreRunSink"/>, a <see cref="RunContext"/>, the real <see cref="TrainingRunner"/>. The clock ends the
    /// run by cancelling it between two steps, as a user's cancel does.</summary>
    private sealed class EngineSide(RunStore store, RunEventBus bus, RunLifecycle lifecycle, EngineData data)
    {
        private readonly DatasetCatalog _catalog = new(new DataOptions());

        public double Measure(ReferenceModel model, double warmup, double seconds)
        {
            var id = RunIds.New();
            lifecycle.Create(new RunDocument { Id = id, Name = $"steps {model.Name}", Kind = model.Name, ConfigJson = "{}", CreatedAt = DateTime.UtcNow });
            lifecycle.Move(id, RunStatus.Running);
            var sink = new StoreRunSink(id, store, bus, lifecycle);
            var context = new RunContext(id, sink, new StoreRunLibrary(store), _catalog, CPU);
            var phase = model.EnginePhase(data);
            var clock = new StepClock(warmup, seconds);
            phase.Clock = clock;
            try
            {
                new TrainingRunner(context).Run(new OnePhaseRun(phase), resume: false, CancellationToken.None);
            }
            catch (OperationCanceledException) { }
            sink.Flush();
            lifecycle.Move(id, RunStatus.Cancelled, "benchmark over");
            return clock.Steps * model.Batch / clock.Elapsed;
        }
    }

    private sealed class OnePhaseRun(TrainingPhase phase) : IExperimentRun
    {
        public IReadOnlyList<PhasePlan> Plan { get; } = [phase.Plan];

        public TrainingPhase StartPhase(PhasePlan plan, RunContext context) => phase;

        public void Complete(RunContext context) { }

        public void Dispose() { }
    }
}

/// <summary>
/// Times whole step cycles: told at the start of every step, it lets the warm-up pass, then counts the cycles that
/// complete within the timed seconds (for the engine: the step, the runner's bookkeeping and the sink around it) and
/// ends the loop by throwing <see cref="OperationCanceledException"/> at the next step's start.
/// </summary>
public sealed class StepClock(double warmup, double seconds)
{
    private long _first;
    private long _start;

    public int Steps { get; private set; }
    public double Elapsed { get; private set; }

    public void Tick()
    {
        var now = Stopwatch.GetTimestamp();
        if (_first == 0)
        {
            _first = now;
            return;
        }
        if (_start == 0)
        {
            if (Stopwatch.GetElapsedTime(_first, now).TotalSeconds >= warmup) _start = now;
            return;
        }
        Steps++;
        Elapsed = Stopwatch.GetElapsedTime(_start, now).TotalSeconds;
        if (Elapsed >= seconds) throw new OperationCanceledException("timed steps done");
    }
}
