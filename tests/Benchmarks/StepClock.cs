using System.Diagnostics;

namespace Vinula.Benchmarks;

/// <summary>
/// Times whole step cycles: told at the start of every step, it lets the warm-up pass, then counts the cycles that
/// complete within the timed seconds (for the engine: the step, the runner's bookkeeping and the sink around it) and
/// ends the loop by throwing <see cref="OperationCanceledException"/> at the next step's start.
/// </summary>
public sealed class StepClock(double warmup, double seconds)
{
    private long _first;
    private long _start;

    private TimeSpan _cpuAtStart;
    private double _threadCpuAtStart;

    /// <summary>The training thread's own CPU time over the timed steps: at 1 thread libtorch computes on it, so this
    /// is the step's work without the JIT's and GC's background threads.</summary>
    public double ThreadCpu { get; private set; }

    private static double ThreadCpuSeconds()
    {
        if (!OperatingSystem.IsLinux()) return 0;
        clock_gettime(ClockThreadCpuTime, out var t);
        return t.Seconds + t.Nanoseconds * 1e-9;
    }

    private const int ClockThreadCpuTime = 3;

    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern int clock_gettime(int clock, out TimeSpec time);

    public int Steps { get; private set; }
    public double Elapsed { get; private set; }

    /// <summary>The process's CPU time over the timed steps (every thread: libtorch's, the GC's, the store's). On a
    /// loaded machine it varies far less than wall time.</summary>
    public double CpuSeconds { get; private set; }

    /// <summary>Within the timed seconds (after the warm-up).</summary>
    public bool Timing => _start != 0;

    /// <summary>Stopwatch ticks spent inside the phase's <c>Step</c> and inside the sink while timing.</summary>
    public long InStep { get; set; }
    public long InSink { get; set; }

    public double Milliseconds(long ticks) => Steps == 0 ? 0 : ticks * 1000.0 / Stopwatch.Frequency / Steps;

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
            if (Stopwatch.GetElapsedTime(_first, now).TotalSeconds >= warmup)
            {
                _cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
                _threadCpuAtStart = ThreadCpuSeconds();
                _start = Stopwatch.GetTimestamp();
            }
            return;
        }
        Steps++;
        Elapsed = Stopwatch.GetElapsedTime(_start, now).TotalSeconds;
        if (Elapsed < seconds) return;
        CpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - _cpuAtStart).TotalSeconds;
        ThreadCpu = ThreadCpuSeconds() - _threadCpuAtStart;
        throw new OperationCanceledException("timed steps done");
    }
}
