namespace Vinula.Engine.Training;

/// <summary>
/// How a whole split goes through a model without gradients: in chunks of <see cref="Rows"/>, each in its own
/// dispose scope. Why 256 and not 1,000: a chunk's largest activation must stay under glibc's mmap threshold
/// (32 MiB, <see cref="Hosting.NativeAllocator"/>). Above it every activation is a fresh mapping whose pages fault
/// in again on every chunk: the CNN teacher's first feature map at 1,000 rows is 1,000 × 16 × 28 × 28 floats =
/// 50 MB, and evaluating 10,000 digits that way took 1.1–2.2 s here, longer than the epoch's training; at 256 rows
/// (12.8 MB) it took 0.5–0.7 s.
/// </summary>
public static class EvaluationChunks
{
    public const int Rows = 256;

    /// <summary>(start, length) of each chunk of <paramref name="count"/> rows.</summary>
    public static IEnumerable<(long Start, long Length)> Of(long count, int rows = Rows)
    {
        for (long start = 0; start < count; start += rows)
            yield return (start, Math.Min(rows, count - start));
    }
}
