using Vinula.Engine.Training;

namespace Vinula.Engine.Experiments;

/// <summary>
/// A phase as it is, plus summary keys that are the means of some of its step values over its last epoch
/// (<c>d/loss</c> → <c>d.loss</c>): what PRODUCT.md asks of every GAN-like kind, for a phase that reports the
/// values per step but not in its summary. The checkpoint layout is the inner phase's own.
/// </summary>
public sealed class LastEpochMeans(TrainingPhase inner, params string[] names) : TrainingPhase(inner.Plan)
{
    private readonly Dictionary<string, (double Sum, int Count)> _epoch = new(StringComparer.Ordinal);

    public override void BeginEpoch(int epoch)
    {
        _epoch.Clear();
        inner.BeginEpoch(epoch);
    }

    public override IReadOnlyList<StepValue> Step(int epoch, int step)
    {
        var values = inner.Step(epoch, step);
        foreach (var value in values)
            if (names.Contains(value.Name, StringComparer.Ordinal))
            {
                var (sum, count) = _epoch.GetValueOrDefault(value.Name);
                _epoch[value.Name] = (sum + value.Value, count + 1);
            }
        return values;
    }

    public override void EndEpoch(int epoch, long globalStep, RunContext context) => inner.EndEpoch(epoch, globalStep, context);

    public override void Preview(long globalStep, RunContext context) => inner.Preview(globalStep, context);

    /// <summary>The inner phase's summary, then the means (a phase restored finished on resume has no steps to average).</summary>
    public override void Complete(long globalStep, RunContext context)
    {
        inner.Complete(globalStep, context);
        foreach (var (name, (sum, count)) in _epoch)
            if (count > 0) context.Summary[name.Replace('/', '.')] = sum / count;
    }

    public override void Save(BinaryWriter writer) => inner.Save(writer);

    public override void Load(BinaryReader reader) => inner.Load(reader);

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
    }
}
