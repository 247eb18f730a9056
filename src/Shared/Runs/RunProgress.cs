namespace Vinula.Shared.Runs;

/// <summary>How far a run has come: global training step out of the planned total, with an ETA.</summary>
public sealed record RunProgress(double Fraction, long Step, long TotalSteps, double? EtaSeconds)
{
    public static RunProgress None { get; } = new(0, 0, 0, null);
}
