using System.Runtime.InteropServices;

namespace Vinula.Engine.Hosting;

/// <summary>
/// Tunes glibc's allocator for training. A dispose scope frees a whole step's temporaries at once, and by
/// default glibc hands that memory back to the OS and faults it in again next step. Keeping it (trim
/// threshold at max, mmap threshold at glibc's 32 MiB ceiling) doubled training throughput on this
/// project's 2-core machines (shared/notes/stack.md, "Speed facts").
/// </summary>
public static partial class NativeAllocator
{
    private const int M_TRIM_THRESHOLD = -1;
    private const int M_MMAP_THRESHOLD = -3;
    private const int MaxMmapThreshold = 32 * 1024 * 1024;

    private static int _tuned;

    /// <summary>Raise the thresholds once per process. A no-op off glibc; returns whether both calls succeeded.</summary>
    public static bool Tune()
    {
        if (!OperatingSystem.IsLinux() || Interlocked.Exchange(ref _tuned, 1) == 1)
            return false;
        try
        {
            return mallopt(M_TRIM_THRESHOLD, int.MaxValue) == 1 && mallopt(M_MMAP_THRESHOLD, MaxMmapThreshold) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false; // musl or another libc: nothing to tune.
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int mallopt(int param, int value);
}
