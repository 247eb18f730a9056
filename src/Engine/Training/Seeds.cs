using TorchSharp;

namespace Vinula.Engine.Training;

/// <summary>
/// Derives seeds from a run's seed. Must give the same value in every process (HashCode.Combine does not),
/// so that a resumed run draws the same data order and dropout masks.
/// </summary>
public static class Seeds
{
    /// <summary>SplitMix64 over the parts (Steele, Lea &amp; Flood 2014), folded to a non-negative int.</summary>
    public static int Mix(params ReadOnlySpan<long> parts)
    {
        ulong state = 0x9E3779B97F4A7C15;
        foreach (var part in parts)
        {
            state += unchecked((ulong)part) + 0x9E3779B97F4A7C15;
            var z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            state = z ^ (z >> 31);
        }
        return (int)(state & int.MaxValue);
    }

    /// <summary>A stable number for a role name, to mix into seeds.</summary>
    public static long Of(string text)
    {
        long h = 1469598103934665603; // FNV-1a
        foreach (var c in text) h = unchecked((h ^ c) * 1099511628211);
        return h;
    }

    /// <summary>
    /// A torch generator of the run's own, seeded with <see cref="Mix"/> of the parts. Runs never touch the
    /// process-wide generator: two runs training at once would interleave its draws and neither would be
    /// reproducible. Draws on a device need a generator on that device.
    /// </summary>
    public static torch.Generator Generator(torch.Device? device, params ReadOnlySpan<long> parts) =>
        new((ulong)Mix(parts), device);

    /// <inheritdoc cref="Generator(torch.Device?, ReadOnlySpan{long})"/>
    public static torch.Generator Generator(params ReadOnlySpan<long> parts) => Generator(null, parts);

    /// <summary>Restarts a generator at the seed of (parts): per-epoch streams derive from (seed, role, epoch), so a
    /// run resumed at an epoch boundary draws what the uninterrupted run drew.</summary>
    public static void Reseed(this torch.Generator generator, params ReadOnlySpan<long> parts) =>
        generator.manual_seed(Mix(parts));
}
