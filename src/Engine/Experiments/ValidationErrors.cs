using System.Globalization;
using Vinula.Shared.Experiments;

namespace Vinula.Engine.Experiments;

/// <summary>Collects field errors with small range helpers, so every rule reads as one line.</summary>
public sealed class ValidationErrors : List<ValidationError>
{
    public void Add(string path, string message) => Add(new ValidationError(path, message));

    public void Range(string path, double value, double min, double max, string? unit = null)
    {
        if (double.IsNaN(value) || value < min || value > max)
            Add(path, $"{Label(path)} must be between {Format(min)} and {Format(max)}{unit}; got {Format(value)}.");
    }

    public void Range(string path, int value, int min, int max)
    {
        if (value < min || value > max)
            Add(path, $"{Label(path)} must be between {min:N0} and {max:N0}; got {value:N0}.");
    }

    /// <summary>Strictly positive and at most <paramref name="max"/>.</summary>
    public void Positive(string path, double value, double max)
    {
        if (double.IsNaN(value) || value <= 0 || value > max)
            Add(path, $"{Label(path)} must be greater than 0 and at most {Format(max)}; got {Format(value)}.");
    }

    public void Widths(string path, IReadOnlyList<int>? widths, int maxLayers, int maxWidth)
    {
        if (widths is null)
        {
            Add(path, $"{Label(path)} must be a list of layer widths.");
            return;
        }
        if (widths.Count > maxLayers)
            Add(path, $"{Label(path)} may have at most {maxLayers} layers; got {widths.Count}.");
        for (var i = 0; i < widths.Count; i++)
            Range($"{path}[{i}]", widths[i], 1, maxWidth);
    }

    /// <summary>What one model may need while it trains. Runs share the process with the dashboard and may run
    /// side by side; a run that cannot fit must be refused up front, not kill the server mid-epoch.</summary>
    public const long MaxTrainingBytes = 3L << 30;

    /// <summary>
    /// Refuses a model whose rough training footprint exceeds <see cref="MaxTrainingBytes"/>: weights, gradients
    /// and Adam's two moments (4 × 4 bytes per parameter) plus activations kept for the backward pass (about 3
    /// float32 values per unit per example). Good to a factor of ~2: enough to refuse what cannot fit.
    /// </summary>
    /// <param name="scope">Skip when a field under this prefix (e.g. "teacher.") is already wrong; null: when any is.</param>
    public void Memory(string path, string what, long parameters, long unitsPerExample, int batchSize, string? scope = null)
    {
        if (scope is null ? Count > 0 : this.Any(e => e.Path.StartsWith(scope, StringComparison.Ordinal) || e.Path == "batchSize"))
            return; // the estimate needs valid sizes and a valid batch
        var bytes = 16 * parameters + 12 * unitsPerExample * Math.Max(1, batchSize);
        if (bytes <= MaxTrainingBytes) return;
        Add(path, $"This {what} ({parameters / 1e6:0.#} M parameters) needs about {bytes / 1e9:0.#} GB to train, more than the {MaxTrainingBytes / 1e9:0.#} GB limit: use narrower layers or a smaller batch.");
    }

    /// <summary>
    /// <see cref="Memory"/> for models made of <paramref name="copies"/> MLPs of the same widths (an autoencoder's
    /// encoder and mirrored decoder, a GAN's generator and discriminator), plus any extra parameters.
    /// </summary>
    public void MlpMemory(string path, string what, int inputs, IReadOnlyList<int> hidden, int outputs, int copies, int batchSize,
        long extraParameters = 0)
    {
        var parameters = copies * Models.Mlp.CountParameters(inputs, hidden, outputs) + extraParameters;
        var units = copies * (inputs + hidden.Sum(h => (long)h) + outputs);
        Memory(path, what, parameters, units, batchSize);
    }

    /// <summary>The last segment of a path, as the user sees the field ("teacher.hidden[0]" → "hidden[0]").</summary>
    private static string Label(string path) => path[(path.LastIndexOf('.') + 1)..];

    /// <summary>Plain numbers as people write them: 1,000,000,000 and 0.00001, never 1E+09 (six significant digits).</summary>
    internal static string Format(double value)
    {
        if (!double.IsFinite(value)) return value.ToString(CultureInfo.InvariantCulture);
        var rounded = double.Parse(value.ToString("G6", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return Math.Abs(rounded) >= 1e15 ? rounded.ToString("G6", CultureInfo.InvariantCulture) : rounded.ToString("#,0.##########", CultureInfo.InvariantCulture);
    }
}

/// <summary>Rules for the fields every kind shares.</summary>
internal static class CommonRules
{
    public const int MaxEpochs = 1000;

    public static void Check(ExperimentConfig config, ValidationErrors errors)
    {
        errors.Range("seed", config.Seed, 0, int.MaxValue);
        errors.Range("epochs", config.Epochs, 1, MaxEpochs);
        errors.Range("batchSize", config.BatchSize, 1, 65_536);
        errors.Positive("learningRate", config.LearningRate, 10);
        if (config.TrainSize is { } size)
            errors.Range("trainSize", size, 10, 10_000_000);
        if (config.Device == DeviceChoice.Cuda && !Hosting.TorchSetup.CudaElsewhere && !Hosting.TorchSetup.CudaAvailable)
            errors.Add("device", "CUDA is not available: this build uses the CPU libtorch or no GPU is present. Choose 'cpu' or 'auto'.");
    }
}
