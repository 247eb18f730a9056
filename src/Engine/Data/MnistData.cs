namespace Vinula.Engine.Data;

/// <summary>
/// MNIST in memory: pixels in [0, 1] (784 per image, row-major 28×28), labels, and the split as index
/// lists into them. Immutable and shared by every run.
/// </summary>
public sealed class MnistData
{
    public const int Side = 28;
    public const int Pixels = Side * Side;
    public const int Classes = 10;

    public MnistData(float[] images, byte[] labels, int[] train, int[] validation, int[] test, string source)
    {
        if (images.Length != labels.Length * Pixels)
            throw new ArgumentException($"{images.Length} pixels do not make {labels.Length} images of {Pixels}.");
        Images = images;
        Labels = labels;
        Train = train;
        Validation = validation;
        Test = test;
        Source = source;
    }

    public float[] Images { get; }
    public byte[] Labels { get; }
    public int[] Train { get; }

    /// <summary>Used only for selection (best temperature, early stopping), never reported as a result.</summary>
    public int[] Validation { get; }

    public int[] Test { get; }

    /// <summary>Where the digits came from, for the run log.</summary>
    public string Source { get; }

    public int Count => Labels.Length;

    public ReadOnlySpan<float> Image(int index) => Images.AsSpan(index * Pixels, Pixels);

    /// <summary>Copies the listed images into one row-major [n, 784] buffer.</summary>
    public float[] Gather(IReadOnlyList<int> indices)
    {
        var result = new float[indices.Count * Pixels];
        for (var i = 0; i < indices.Count; i++)
            Image(indices[i]).CopyTo(result.AsSpan(i * Pixels, Pixels));
        return result;
    }

    public long[] GatherLabels(IReadOnlyList<int> indices)
    {
        var result = new long[indices.Count];
        for (var i = 0; i < indices.Count; i++)
            result[i] = Labels[indices[i]];
        return result;
    }
}

/// <summary>Seeded index helpers shared by every experiment, so data order is reproducible on resume.</summary>
public static class Subsets
{
    /// <summary>
    /// A seeded subset of <paramref name="indices"/> of the given size with each label in proportion to its
    /// share (largest remainders get the leftover places). Order: by canonical index.
    /// </summary>
    public static int[] Stratified(IReadOnlyList<int> indices, byte[] labels, int size, int seed)
    {
        if (size >= indices.Count) return [.. indices];
        var byLabel = indices.GroupBy(i => labels[i]).OrderBy(g => g.Key).Select(g => g.ToArray()).ToArray();
        var exact = byLabel.Select(g => (double)g.Length * size / indices.Count).ToArray();
        var quota = exact.Select(e => (int)Math.Floor(e)).ToArray();
        var order = Enumerable.Range(0, byLabel.Length).OrderByDescending(k => exact[k] - quota[k]).ThenBy(k => k);
        foreach (var k in order.Take(size - quota.Sum()))
            quota[k]++;

        var random = new Random(seed);
        var chosen = new List<int>(size);
        for (var k = 0; k < byLabel.Length; k++)
        {
            var group = (int[])byLabel[k].Clone();
            random.Shuffle(group);
            chosen.AddRange(group.Take(quota[k]));
        }
        chosen.Sort();
        return [.. chosen];
    }

    /// <summary>The order of one epoch: a permutation that depends only on (seed, epoch), so a run resumed
    /// at an epoch boundary sees the same batches it would have seen.</summary>
    public static int[] EpochOrder(int count, int seed, int epoch)
    {
        var order = Enumerable.Range(0, count).ToArray();
        new Random(Training.Seeds.Mix(seed, epoch, 0x5eed)).Shuffle(order);
        return order;
    }
}
