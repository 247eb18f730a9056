namespace Vinula.Engine.Training;

/// <summary>
/// Hinton, Vinyals &amp; Dean (2015, §3): a student distilled on a transfer set without 3s "only makes 206 test
/// errors of which 133 are on the 1010 threes"; most are caused by "the learned bias for the 3 class" being "much
/// too low". Raised by 3.5, "the distilled model makes 109 errors of which 14 are on 3s" (98.6 % of the 3s
/// right). The paper picked that 3.5 on the test set; here b, the shift added to the omitted classes' logits, is
/// the one that maximises accuracy on the validation slice. It takes validation logits and labels only, so test
/// labels cannot leak into the choice.
/// </summary>
public static class OmittedClassBias
{
    public const double Min = -10, Max = 20, Step = 0.25;

    /// <summary>The grid searched: <see cref="Min"/> to <see cref="Max"/> in steps of <see cref="Step"/> (logit units).</summary>
    public static IEnumerable<double> Grid()
    {
        var count = (int)Math.Round((Max - Min) / Step);
        for (var i = 0; i <= count; i++) yield return Min + i * Step;
    }

    /// <summary>
    /// The b on the grid with the best validation accuracy when added to the <paramref name="omitted"/> classes'
    /// logits; ties go to the smallest |b| (then the positive one), so no evidence means no correction.
    /// </summary>
    public static (double Bias, double AccuracyBefore, double AccuracyAfter) Choose(
        float[] validationLogits, IReadOnlyList<int> validationLabels, int classes, IReadOnlyCollection<int> omitted)
    {
        if (omitted.Count == 0) throw new ArgumentException("No class is omitted: there is no bias to choose.", nameof(omitted));
        var before = DigitScores.Accuracy(DigitScores.Predict(validationLogits, classes), validationLabels);
        var (best, bestAccuracy) = (0.0, before);
        foreach (var b in Grid().OrderBy(Math.Abs).ThenByDescending(b => b))
        {
            var accuracy = DigitScores.Accuracy(DigitScores.Predict(validationLogits, classes, omitted, b), validationLabels);
            if (accuracy > bestAccuracy) (best, bestAccuracy) = (b, accuracy);
        }
        return (best, before, bestAccuracy);
    }
}
