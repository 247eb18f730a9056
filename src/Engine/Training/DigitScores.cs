using System.Globalization;
using System.Text.Json;
using Vinula.Shared;
using Vinula.Shared.Artifacts;

namespace Vinula.Engine.Training;

/// <summary>
/// What an MNIST classifier's end-of-training report covers beyond overall accuracy: the digits its transfer set
/// left out (their test accuracy is reported on its own), and whether to fit the bias correction for them.
/// </summary>
public sealed record DigitReport(IReadOnlyList<int> Omitted, bool BiasCorrection)
{
    public static DigitReport None { get; } = new([], false);

    /// <summary>The summary key of one digit's test accuracy (PRODUCT.md: <c>student.test_accuracy@digit3</c>).</summary>
    public static string DigitKey(string role, int digit) => $"{role}.test_accuracy@digit{digit}";

    /// <summary>The role whose confusion matrix is the bias-corrected one (<c>confusion-student-corrected.json</c>).</summary>
    public static string CorrectedRole(string role) => $"{role}-corrected";

    /// <summary>
    /// Per-digit test accuracy into the summary and the confusion matrix as an artifact; with omitted digits their
    /// accuracy (<c>role.omitted_accuracy</c>), and with the correction the bias chosen on validation
    /// (<see cref="OmittedClassBias"/>) and the corrected accuracies and confusion matrix. Validation logits are
    /// asked for only when the bias is fitted.
    /// </summary>
    public void Write(string role, float[] testLogits, int[] testLabels, int classes, long step, RunContext context,
        Func<(float[] Logits, int[] Labels)> validation)
    {
        var summary = context.Summary;
        var predicted = DigitScores.Predict(testLogits, classes);
        var confusion = Store(role, predicted, testLabels, classes, step, context);
        for (var d = 0; d < classes; d++)
            if (confusion[d].Sum() is var n and > 0)
                summary[DigitKey(role, d)] = (double)confusion[d][d] / n;
        if (Omitted.Count == 0) return;

        var omitted = DigitScores.Accuracy(predicted, testLabels, Omitted);
        if (double.IsFinite(omitted)) summary[$"{role}.omitted_accuracy"] = omitted;
        if (!BiasCorrection) return;

        var (logits, labels) = validation();
        var (bias, before, after) = OmittedClassBias.Choose(logits, labels, classes, Omitted);
        var corrected = DigitScores.Predict(testLogits, classes, Omitted, bias);
        Store(CorrectedRole(role), corrected, testLabels, classes, step, context);
        summary[$"{role}.bias_correction"] = bias;
        summary[$"{role}.test_accuracy_corrected"] = DigitScores.Accuracy(corrected, testLabels);
        var omittedAfter = DigitScores.Accuracy(corrected, testLabels, Omitted);
        if (double.IsFinite(omittedAfter)) summary[$"{role}.omitted_accuracy_corrected"] = omittedAfter;
        context.Log($"{role}: bias {bias:+0.##;-0.##;0} on the logits of digit{(Omitted.Count > 1 ? "s" : "")} {string.Join(", ", Omitted)}, " +
                    $"chosen on the validation slice (accuracy {before:P2} → {after:P2}); omitted digits on test {omitted:P1} → {omittedAfter:P1}.");
    }

    private static int[][] Store(string role, int[] predicted, int[] labels, int classes, long step, RunContext context)
    {
        var counts = DigitScores.Confusion(predicted, labels, classes);
        var matrix = new ConfusionMatrix(role, [.. Enumerable.Range(0, classes).Select(d => d.ToString(CultureInfo.InvariantCulture))], counts);
        context.Artifact(ConfusionMatrix.ArtifactName(role), "application/json", step, ConfusionMatrix.Group,
            JsonSerializer.SerializeToUtf8Bytes(matrix, VinulaJson.Options));
        return counts;
    }
}

/// <summary>Scores from a classifier's logits on a labelled split: predictions, confusion, per-class accuracy.
/// Plain arrays, so the selection rules built on them are testable without a model.</summary>
public static class DigitScores
{
    /// <summary>Arg-max of each row of row-major <paramref name="logits"/> after adding <paramref name="bias"/> to
    /// the <paramref name="boosted"/> classes' logits; the first class wins a tie, as <c>torch.argmax</c> does.</summary>
    public static int[] Predict(float[] logits, int classes, IReadOnlyCollection<int>? boosted = null, double bias = 0)
    {
        var rows = logits.Length / classes;
        var shift = new double[classes];
        if (boosted is not null)
            foreach (var c in boosted) shift[c] = bias;
        var predicted = new int[rows];
        for (var r = 0; r < rows; r++)
        {
            var best = 0;
            var bestValue = double.NegativeInfinity;
            for (var c = 0; c < classes; c++)
            {
                var v = logits[r * classes + c] + shift[c];
                if (v > bestValue) (best, bestValue) = (c, v);
            }
            predicted[r] = best;
        }
        return predicted;
    }

    /// <summary><c>counts[t][p]</c> = examples of true class t predicted as p (rows sum to the class counts).</summary>
    public static int[][] Confusion(IReadOnlyList<int> predicted, IReadOnlyList<int> labels, int classes)
    {
        var counts = Enumerable.Range(0, classes).Select(_ => new int[classes]).ToArray();
        for (var i = 0; i < labels.Count; i++) counts[labels[i]][predicted[i]]++;
        return counts;
    }

    /// <summary>Fraction right among the examples whose label is in <paramref name="only"/> (all when null);
    /// NaN when there are none.</summary>
    public static double Accuracy(IReadOnlyList<int> predicted, IReadOnlyList<int> labels, IReadOnlyCollection<int>? only = null)
    {
        var (right, total) = (0, 0);
        for (var i = 0; i < labels.Count; i++)
        {
            if (only is not null && !only.Contains(labels[i])) continue;
            total++;
            if (predicted[i] == labels[i]) right++;
        }
        return total == 0 ? double.NaN : (double)right / total;
    }
}
