using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;
using Vinula.Dashboard.Runs;
using Vinula.Runs.Storage;
using Vinula.Engine.Data;
using Vinula.Engine.Hosting;
using Vinula.Engine.Training;
using Vinula.Shared.Events;
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
        var startLoad = LoadAverage();
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
            using var store = new LiteRunStore(database);
            var bus = new RunEventBus(NullLogger<RunEventBus>.Instance);
            var lifecycle = new RunLifecycle(store, bus);
            var engine = new EngineSide(store, bus, lifecycle, data);
            engine.WarmStore();

            foreach (var threads in threadCounts)
            {
                torch.set_num_threads(threads);
                peaks[threads] = MatmulPeak(1024, warmup, seconds);
                Console.WriteLine($"{threads} thread(s): fp32 matmul 1024×1024 through TorchSharp: {peaks[threads]:0.0} GFLOP/s");
                foreach (var model in ReferenceModel.All)
                {
                    var (e, b, p) = (new List<EngineTime>(), new List<BareTime>(), new List<double>());
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
                        Console.WriteLine($"  {model.Name,-12} {threads} thread(s), round {round + 1}: engine {e[^1].SamplesPerSecond,8:N0}  bare {b[^1].SamplesPerSecond,8:N0}  PyTorch {p[^1],8:N0} samples/s");
                    }
                    var time = EngineTime.Mean(e);
                    var bare = b.Average(t => t.SamplesPerSecond);
                    rows.Add(new Row(model, threads, time.SamplesPerSecond, bare, p.Average(), time, model.Batch * 1000 / bare, b.Average(t => t.Cpu), b.Average(t => t.ThreadCpu)));
                }
            }
        }
        finally
        {
            File.Delete(database);
        }

        Print(rows, peaks);
        Console.WriteLine($"Load average at the start: {startLoad}; at the end: {LoadAverage()} (a busy machine makes the 2-thread figures meaningless).");
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    /// <summary>Warm-up before timing: the first steps run at a third of steady speed (stack notes).</summary>
    private static double Warmup(double seconds) => Math.Min(2, seconds / 2);

    private sealed record Row(ReferenceModel Model, int Threads, double Engine, double Bare, double PyTorch, EngineTime Time, double BareMs, double BareCpu, double BareThreadCpu);

    /// <summary>The engine's throughput and, per step in ms, the whole cycle, the part inside the phase's <c>Step</c>
    /// (batch drawing, the model's step, the <c>item()</c> reads) and the part inside the sink; the rest is the runner
    /// (its dispose scope's release included, which the bare step pays inside its step).</summary>
    private sealed record EngineTime(double SamplesPerSecond, double Cycle, double Step, double Sink, double Cpu, double ThreadCpu)
    {
        public static EngineTime Mean(IReadOnlyList<EngineTime> all) =>
            new(all.Average(t => t.SamplesPerSecond), all.Average(t => t.Cycle), all.Average(t => t.Step), all.Average(t => t.Sink),
                all.Average(t => t.Cpu), all.Average(t => t.ThreadCpu));
    }

    /// <summary>Samples/s, the process's and the training thread's CPU ms a step.</summary>
    private sealed record BareTime(double SamplesPerSecond, double Cpu, double ThreadCpu);

    private static void Print(List<Row> rows, Dictionary<int, double> peaks)
    {
        Console.WriteLine();
        Console.WriteLine("| model | threads | batch | engine (samples/s) | bare TorchSharp | PyTorch eager | engine/bare | bare/PyTorch |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var r in rows)
            Console.WriteLine($"| {r.Model.Name} | {r.Threads} | {r.Model.Batch} | {r.Engine:N0} | {r.Bare:N0} | {r.PyTorch:N0} | {r.Engine / r.Bare:0.00}× | {r.Bare / r.PyTorch:0.00}× |");
        Console.WriteLine();
        Console.WriteLine("Where the engine's step cycle goes (ms a step, means of the rounds):");
        Console.WriteLine("| model | threads | engine cycle | in phase.Step | in the sink | runner, scope release | bare step | process CPU: engine / bare | training thread CPU: engine / bare | engine/bare by thread CPU |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in rows)
            Console.WriteLine($"| {r.Model.Name} | {r.Threads} | {r.Time.Cycle:0.00} | {r.Time.Step:0.00} | {r.Time.Sink:0.000} | " +
                              $"{r.Time.Cycle - r.Time.Step - r.Time.Sink:0.00} | {r.BareMs:0.00} | {r.Time.Cpu:0.00} / {r.BareCpu:0.00} | " +
                              $"{r.Time.ThreadCpu:0.00} / {r.BareThreadCpu:0.00} | {r.BareThreadCpu / r.Time.ThreadCpu:0.00}× |");
        Console.WriteLine("CPU columns are ms a step. On a loaded machine they vary far less than wall time; at 2 threads the training " +
                          "thread is one of libtorch's two, and idle OpenMP threads may spin, so there the CPU columns only compare like with like. " +
                          "At 1 thread, process minus training-thread CPU is other threads' work: in a fresh process mostly the JIT's tiering " +
                          "of the engine's code (it vanishes with DOTNET_TieredCompilation=0), which a long-running dashboard has done.");
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

    private static BareTime Bare(ReferenceModel model, double warmup, double seconds)
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
        return new BareTime(clock.Steps * model.Batch / clock.Elapsed, clock.CpuSeconds * 1000 / clock.Steps, clock.ThreadCpu * 1000 / clock.Steps);
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
    private sealed class EngineSide(IRunStore store, RunEventBus bus, RunLifecycle lifecycle, EngineData data)
    {
        private readonly DatasetCatalog _catalog = new(new DataOptions());

        /// <summary>
        /// Takes the store's write paths (metrics, progress, a log line, a checkpoint) a few hundred times through a
        /// throwaway run's sink, then lets the JIT's background tiering finish. A dashboard that has been up for a while
        /// has compiled them long ago; a fresh process has not, and without this its tiering thread spent 0.3–0.6 s of
        /// CPU during each of the first engine measurements here (the sink throttles its writes to a few a second, so
        /// they reach the 30 calls that trigger recompilation only after several seconds).
        /// </summary>
        public void WarmStore()
        {
            var clock = Stopwatch.StartNew();
            var id = RunIds.New();
            lifecycle.Create(new RunDocument { Id = id, Name = "steps warm-up", Kind = "warm-up", ConfigJson = "{}", CreatedAt = DateTime.UtcNow });
            lifecycle.Move(id, RunStatus.Running);
            var sink = new StoreRunSink(id, store, bus, lifecycle);
            var context = new RunContext(id, sink, new StoreRunLibrary(store), _catalog, CPU);
            for (var step = 1; step <= 300; step++)
            {
                context.Metrics(step, ("warm-up/train_loss", 1.0 / step), ("warm-up/other", step));
                context.Progress(new RunProgress(step / 300.0, step, 300, 1));
                context.Log($"warm-up step {step}");
                sink.Checkpoint("warm-up", new byte[64]);
                sink.Flush();
            }
            lifecycle.Move(id, RunStatus.Cancelled, "warm-up over");
            var writes = clock.Elapsed.TotalSeconds;
            Thread.Sleep(1000);
            Console.WriteLine($"Store warm-up: 300 rounds of store writes in {writes:0.0} s, then 1 s for the JIT's tiering.");
        }

        public EngineTime Measure(ReferenceModel model, double warmup, double seconds)
        {
            var id = RunIds.New();
            lifecycle.Create(new RunDocument { Id = id, Name = $"steps {model.Name}", Kind = model.Name, ConfigJson = "{}", CreatedAt = DateTime.UtcNow });
            lifecycle.Move(id, RunStatus.Running);
            var sink = new StoreRunSink(id, store, bus, lifecycle);
            var clock = new StepClock(warmup, seconds);
            var context = new RunContext(id, new ClockedSink(sink, clock), new StoreRunLibrary(store), _catalog, CPU);
            var phase = model.EnginePhase(data);
            phase.Clock = clock;
            try
            {
                new TrainingRunner(context).Run(new OnePhaseRun(phase), resume: false, CancellationToken.None);
            }
            catch (OperationCanceledException) { }
            sink.Flush();
            lifecycle.Move(id, RunStatus.Cancelled, "benchmark over");
            return new EngineTime(clock.Steps * model.Batch / clock.Elapsed, clock.Elapsed * 1000 / clock.Steps,
                clock.Milliseconds(clock.InStep), clock.Milliseconds(clock.InSink), clock.CpuSeconds * 1000 / clock.Steps,
                clock.ThreadCpu * 1000 / clock.Steps);
        }
    }

    /// <summary>The store sink, with the time spent in it counted (a timestamp each side of a call).</summary>
    private sealed class ClockedSink(IRunSink inner, StepClock clock) : IRunSink
    {
        public void Publish(EngineEvent e) => Timed(() => inner.Publish(e));

        public void Artifact(ArtifactInfo info, byte[] content) => Timed(() => inner.Artifact(info, content));

        public void Checkpoint(string name, byte[] content) => Timed(() => inner.Checkpoint(name, content));

        public void Rewind(long step) => inner.Rewind(step);

        public void Flush() => Timed(inner.Flush);

        private void Timed(Action call)
        {
            var started = Stopwatch.GetTimestamp();
            call();
            if (clock.Timing) clock.InSink += Stopwatch.GetTimestamp() - started;
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
