using TorchSharp;
using Vinula.Shared.Experiments;

namespace Vinula.Engine.Hosting;

/// <summary>Process-wide torch settings and the device a run trains on.</summary>
public static class TorchSetup
{
    private static readonly Lock Gate = new();
    private static bool _initialised;

    /// <summary>Loads libtorch, tunes the allocator and sets the thread count. Safe to call more than once.</summary>
    public static void Initialise(EngineOptions options)
    {
        lock (Gate)
        {
            if (_initialised) return;
            NativeAllocator.Tune();
            torch.InitializeDeviceType(DeviceType.CPU);
            torch.set_num_threads(ChooseThreads(options));
            _initialised = true;
        }
    }

    /// <summary>
    /// libtorch's thread count is process-wide. Small MNIST models train faster on one thread than on two
    /// (stack notes), and concurrent runs should not fight over cores: split the cores among the runs.
    /// </summary>
    public static int ChooseThreads(EngineOptions options) =>
        options.Threads > 0
            ? options.Threads
            : Math.Max(1, Environment.ProcessorCount / Math.Max(1, options.MaxConcurrentRuns));

    public static bool CudaAvailable
    {
        get
        {
            try { return torch.cuda.is_available(); }
            catch (Exception e) when (e is DllNotFoundException or NotSupportedException or InvalidOperationException) { return false; }
        }
    }

    /// <summary>Runs asking for <c>cuda</c> train in another process: a team's dashboard queues them for its GPU workers,
    /// so the validator does not ask for a GPU here. Set once at start-up by the host.</summary>
    public static bool CudaElsewhere { get; set; }

    /// <summary>Maps a config's device choice to a torch device; <c>cuda</c> without CUDA is an error the
    /// validator reports before the run starts.</summary>
    public static torch.Device Resolve(DeviceChoice choice, DeviceChoice fallback = DeviceChoice.Auto)
    {
        var effective = choice == DeviceChoice.Auto ? fallback : choice;
        return effective switch
        {
            DeviceChoice.Cuda => torch.CUDA,
            DeviceChoice.Cpu => torch.CPU,
            _ => CudaAvailable ? torch.CUDA : torch.CPU,
        };
    }
}
