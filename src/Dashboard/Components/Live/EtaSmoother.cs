using System.Collections.Concurrent;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Components.Live;

/// <summary>
/// The engine's ETA extrapolates the current phase's pace, so it jumps when a phase starts, at an evaluation, or
/// when the machine is busy (3 min → 5 min → 54 s within seconds). This keeps one run's estimate steady: it counts
/// the last estimate down in real time, moves it a fifth of the way towards each new one, and offers none until it
/// has seen a few seconds of steps.
/// </summary>
public sealed class EtaSmoother
{
    /// <summary>How far a new estimate pulls the shown one.</summary>
    public const double Weight = 0.2;

    /// <summary>No estimate before this many updates over at least <see cref="Settle"/>.</summary>
    public const int MinUpdates = 5;

    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    private double? _smoothed;
    private DateTime _at;
    private DateTime _first;
    private int _updates;
    private long _lastStep = -1;

    /// <summary>Feeds one progress report; returns the ETA to show, or null while it is not yet stable.</summary>
    public double? Update(RunProgress progress, DateTime now)
    {
        if (progress.EtaSeconds is not { } raw || progress.Step <= 0)
            return Current(now);
        if (progress.Step < _lastStep) Reset(); // resumed from a checkpoint: a new pace
        if (progress.Step == _lastStep) return Current(now); // the same report seen twice
        _lastStep = progress.Step;
        if (_smoothed is not { } smoothed)
        {
            _smoothed = raw;
            _first = now;
        }
        else
        {
            var predicted = Math.Max(0, smoothed - (now - _at).TotalSeconds);
            _smoothed = predicted + Weight * (raw - predicted);
        }
        _at = now;
        _updates++;
        return Current(now);
    }

    /// <summary>The steady estimate at <paramref name="now"/>, counted down since the last report; null until stable.</summary>
    public double? Current(DateTime now) =>
        _smoothed is { } s && _updates >= MinUpdates && now - _first >= Settle ? Math.Max(0, s - (now - _at).TotalSeconds) : null;

    private void Reset()
    {
        _smoothed = null;
        _updates = 0;
        _lastStep = -1;
    }
}

/// <summary>One <see cref="EtaSmoother"/> per live run, shared by every page that shows it.</summary>
public sealed class EtaDisplay(TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, EtaSmoother> _runs = new(StringComparer.Ordinal);

    public double? For(string runId, RunStatus status, RunProgress progress)
    {
        if (status is not RunStatus.Running)
        {
            if (status.IsFinished()) _runs.TryRemove(runId, out _);
            return null;
        }
        var smoother = _runs.GetOrAdd(runId, _ => new EtaSmoother());
        lock (smoother) return smoother.Update(progress, clock.GetUtcNow().UtcDateTime);
    }
}
