using Vinula.Shared.Experiments;

namespace Vinula.Engine.Hosting;

/// <summary>The <c>Engine</c> configuration section.</summary>
public sealed class EngineOptions
{
    public const string SectionName = "Engine";

    /// <summary>Default device for configs that say <c>auto</c>.</summary>
    public DeviceChoice Device { get; set; } = DeviceChoice.Auto;

    /// <summary>How many runs train at once; the rest wait in the queue.</summary>
    public int MaxConcurrentRuns { get; set; } = 1;

    /// <summary>libtorch's intra-op threads (process-wide). 0 = one per core, shared among the concurrent runs.</summary>
    public int Threads { get; set; }

    /// <summary>Least training seconds between two checkpoints of a model (its last epoch always writes one); 0 =
    /// every epoch. A crash, cancel or stop loses at most this much training: resume repeats it.</summary>
    public double CheckpointSeconds { get; set; } = 10;

    /// <summary>When a run ends, collect the managed heap and give the memory the run freed back to the OS
    /// (<see cref="NativeAllocator.Release"/>). Off only to measure what stays without it (<c>tests/Benchmarks -- memory</c>).</summary>
    public bool ReleaseMemoryAfterRun { get; set; } = true;
}
