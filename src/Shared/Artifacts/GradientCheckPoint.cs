namespace Vinula.Shared.Artifacts;

/// <summary>Relative errors of the two closed forms for the soft cross-entropy's gradient against autograd at one
/// temperature: median and max over the batch of ‖g − ĝ‖ / ‖g‖ per example.</summary>
public sealed record GradientCheckPoint(double Temperature, double ClosedFormMedian, double ClosedFormMax, double ApproxMedian, double ApproxMax);
