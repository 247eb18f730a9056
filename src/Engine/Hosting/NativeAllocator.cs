using System.Runtime.InteropServices;

namespace Vinula.Engine.Hosting;

/// <summary>
/// Tunes glibc's allocator for training. A dispose scope frees a whole step's temporaries at once, and by
/// default glibc hands that memory back to the OS and faults it in again next step. Keeping it (trim
/// threshold at max, mmap threshold at glibc's 32 MiB ceiling) doubled training throughput on this
/// project's 2-core machines (shared/notes/stack.md, "Speed facts").
/// <para>The price: nothing freed is ever given back, and every run's thread is new, so glibc spreads runs over
/// its arenas (up to 8 per core) and each keeps the high-water mark of the runs that used it. <see cref="Release"/>
/// returns that memory; the scheduler calls it when a run's thread ends, never during steps.</para>
/// </summary>
public static partial class NativeAllocator
{
    private const int M_TRIM_THRESHOLD = -1;
    private const int M_MMAP_THRESHOLD = -3;
    private const int MaxMmapThreshold = 32 * 1024 * 1024;

    private static int _tuned;
    private static bool _unavailable = !OperatingSystem.IsLinux();

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

    /// <summary>Gives the free memory of every arena back to the OS (<c>malloc_trim(0)</c>: the top of each heap
    /// and whole free pages inside it). Costs a walk over the free lists, and the next steps of runs still training
    /// fault their pages in again: call it between runs, not between steps. Returns whether anything was
    /// released; false off glibc.</summary>
    public static bool Trim()
    {
        if (_unavailable) return false;
        try
        {
            return malloc_trim(0) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _unavailable = true;
            return false;
        }
    }

    /// <summary>After a run: a full, blocking, aggressive garbage collection (the run's data arrays are large managed
    /// objects, dead but kept until a gen-2 collection that a quiet server may not do for a long time; a default
    /// collection frees them but keeps the memory committed for reuse, and it grew run after run; tensors a run forgot
    /// to dispose free their native memory in their finalizers), then <see cref="Trim"/>. Tens of milliseconds; other
    /// runs' training threads keep running in native code meanwhile.</summary>
    public static void Release()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        Trim();
    }

    /// <summary>What glibc's heap holds, over all arenas (<c>mallinfo2</c>): bytes handed out (small blocks and
    /// mmapped large ones) and bytes free but kept. Null off glibc (or before 2.33). For diagnostics: it locks each
    /// arena while it counts.</summary>
    public static (long InUse, long FreeKept)? Heap()
    {
        if (_unavailable) return null;
        try
        {
            var info = mallinfo2();
            return ((long)info.uordblks + (long)info.hblkhd, (long)info.fordblks);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int mallopt(int param, int value);

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int malloc_trim(nuint pad);

    [LibraryImport("libc", EntryPoint = "mallinfo2")]
    private static partial MallInfo2 mallinfo2();

    /// <summary>glibc's <c>struct mallinfo2</c>: ten <c>size_t</c> fields, in this order.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
    }
}
