using System.Text.Json.Serialization;

namespace Vinula.Shared.Experiments;

/// <summary>Where tensors live. <c>auto</c> takes CUDA when the build has it and a GPU is present.</summary>
public enum DeviceChoice
{
    Auto,
    Cpu,
    Cuda,
}

/// <summary>Fields every experiment kind has (PRODUCT.md, "Experiment kinds"). Property initialisers are the
/// defaults a partial config falls back to.</summary>
public abstract class ExperimentConfig
{
    public int Seed { get; set; } = 1;
    public int Epochs { get; set; } = 6;
    public int BatchSize { get; set; } = 128;
    public double LearningRate { get; set; } = 1e-3;

    /// <summary>Training examples to use: null = the whole training split, otherwise a seeded subset
    /// stratified by label.</summary>
    public int? TrainSize { get; set; }

    public DeviceChoice Device { get; set; } = DeviceChoice.Auto;
}

/// <summary>Marks a config type as the one for a kind, so JSON helpers can find it.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ExperimentKindAttribute(string kind) : Attribute
{
    public string Kind { get; } = kind;
}

/// <summary>Serialised names of enum members that are not one plain word.</summary>
internal static class EnumNames
{
    public const string SoftKl = "soft-kl";
    public const string LogitMse = "logit-mse";
}

/// <summary>The distillation loss (PRODUCT.md, "Losses, precisely").</summary>
public enum DistillLoss
{
    /// <summary>α·T²·KL(p_T ‖ q_T) + (1−α)·CE(y, q_1).</summary>
    [JsonStringEnumMemberName(EnumNames.SoftKl)] SoftKl,

    /// <summary>The high-T limit: α·(1/2N)·Σ((z−z̄) − (v−v̄))² + (1−α)·CE.</summary>
    [JsonStringEnumMemberName(EnumNames.LogitMse)] LogitMse,
}
