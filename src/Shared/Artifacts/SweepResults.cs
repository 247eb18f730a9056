using System.Globalization;

namespace Vinula.Shared.Artifacts;

/// <summary>One finished model of a sweep: a student at (T, seed), or a baseline of a seed (T = null). With
/// <c>omitDigits</c>: its test accuracy on the omitted digits, and (with <c>biasCorrection</c>) after the bias
/// chosen on validation; <c>DigitAccuracy</c> holds its test accuracy per digit 0–9.</summary>
public sealed record SweepModel(string Role, double? Temperature, int Seed, double TestAccuracy, double ValAccuracy,
    double? OmittedAccuracy = null, double? OmittedAccuracyCorrected = null, double? BiasCorrection = null,
    IReadOnlyList<double>? DigitAccuracy = null);

/// <summary>What a sweep has found so far, as stored in <c>sweep.json</c>; the Run page draws it.</summary>
public sealed record SweepResults(
    IReadOnlyList<double> Temperatures,
    IReadOnlyList<int> Seeds,
    double? TeacherTestAccuracy,
    IReadOnlyList<SweepModel> Students,
    IReadOnlyList<SweepModel> Baselines,
    IReadOnlyList<double>? TeacherDigitAccuracy = null)
{
    public const string ArtifactName = "sweep.json";

    /// <summary>T in invariant culture, shortest form (0.5, 4, 20), as summary keys and roles write it.</summary>
    public static string Format(double temperature) => temperature.ToString(CultureInfo.InvariantCulture);

    public static string StudentRole(double temperature, int seed) => $"student-t{Format(temperature)}-s{seed}";

    public static string BaselineRole(int seed) => $"baseline-s{seed}";

    /// <summary>Mean and spread (sample standard deviation; 0 for a single value) of some numbers.</summary>
    public static (double Mean, double Std) MeanStd(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0) return (double.NaN, double.NaN);
        var mean = values.Average();
        var std = values.Count > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1)) : 0;
        return (mean, std);
    }

    /// <summary>The temperature whose students have the best mean validation accuracy: chosen on the validation
    /// slice, never on the test set. Null until a student has finished.</summary>
    public double? BestTemperature =>
        Students.Count == 0 ? null
        : Students.GroupBy(s => s.Temperature!.Value)
            .OrderByDescending(g => g.Average(s => s.ValAccuracy))
            .ThenBy(g => g.Key)
            .First().Key;
}
