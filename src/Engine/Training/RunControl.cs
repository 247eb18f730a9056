namespace Vinula.Engine.Training;

/// <summary>
/// Live controls of one training run: pause between two steps (the model stays in memory), take N steps while
/// paused and pause again, and slow motion (a delay after every step, so a person can watch a GAN's samples
/// move). Set from any thread; the runner asks <see cref="WaitTurn"/> on the run's own thread before each step.
/// </summary>
public sealed class RunControl
{
    public const int MaxSlowMotionMs = 10_000;
    public const int MaxStepCount = 100_000;

    // Monitor (not System.Threading.Lock): the paused runner waits on it and every control pulses it.
    private readonly object _gate = new();
    private volatile bool _pauseRequested;
    private long _stepsGranted;
    private volatile int _slowMotionMs;
    private volatile bool _paused;

    /// <summary>Called on the run's thread when it stops between steps (<c>true</c>) and when it goes on
    /// (<c>false</c>), so the host can record the status change.</summary>
    public Action<bool>? PausedChanged { get; set; }

    /// <summary>The runner is waiting between two steps.</summary>
    public bool IsPaused => _paused;

    /// <summary>A pause was asked for (the runner may still be finishing a step or an evaluation).</summary>
    public bool PauseRequested => _pauseRequested;

    public int SlowMotionMs
    {
        get => _slowMotionMs;
        set
        {
            _slowMotionMs = Math.Clamp(value, 0, MaxSlowMotionMs);
            Wake();
        }
    }

    /// <summary>Stop before the next step.</summary>
    public void Pause()
    {
        lock (_gate)
        {
            _pauseRequested = true;
            _stepsGranted = 0;
            Monitor.PulseAll(_gate); // cut a slow-motion delay short
        }
    }

    /// <summary>Go on at full pace (or the slow-motion pace).</summary>
    public void Resume()
    {
        lock (_gate)
        {
            _pauseRequested = false;
            _stepsGranted = 0;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>While paused: take <paramref name="count"/> more steps, then pause again. False when not paused.</summary>
    public bool Step(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        lock (_gate)
        {
            if (!_pauseRequested) return false;
            _stepsGranted = Math.Min(_stepsGranted + count, MaxStepCount);
            Monitor.PulseAll(_gate);
            return true;
        }
    }

    /// <summary>
    /// Before a step: returns at once unless a pause was asked for. Then, unless steps were granted, it runs
    /// <paramref name="beforePause"/> (the runner flushes its curves and draws a preview), reports the pause and
    /// waits until resumed, granted steps or cancelled (which throws, like any cancellation between steps).
    /// </summary>
    public void WaitTurn(Action beforePause, CancellationToken cancellation)
    {
        if (!_pauseRequested) return;
        lock (_gate)
        {
            if (!_pauseRequested) return;
            if (_stepsGranted > 0)
            {
                _stepsGranted--;
                return;
            }
        }

        beforePause();
        _paused = true;
        PausedChanged?.Invoke(true);
        using (cancellation.Register(Wake))
        {
            lock (_gate)
            {
                while (_pauseRequested && _stepsGranted == 0 && !cancellation.IsCancellationRequested)
                    Monitor.Wait(_gate);
                if (_pauseRequested && _stepsGranted > 0) _stepsGranted--;
            }
        }
        _paused = false;
        cancellation.ThrowIfCancellationRequested();
        PausedChanged?.Invoke(false);
    }

    /// <summary>After a step: the slow-motion delay, cut short by any control or cancellation.</summary>
    public void Pace(CancellationToken cancellation)
    {
        var delay = _slowMotionMs;
        if (delay <= 0) return;
        using (cancellation.Register(Wake))
        {
            lock (_gate)
            {
                if (!cancellation.IsCancellationRequested)
                    Monitor.Wait(_gate, delay);
            }
        }
    }

    private void Wake()
    {
        lock (_gate) Monitor.PulseAll(_gate);
    }
}
