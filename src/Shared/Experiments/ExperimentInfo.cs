using System.Text.Json;

namespace Vinula.Shared.Experiments;

/// <summary>What <c>GET /api/experiments</c> lists: a kind, its defaults and its presets.</summary>
public sealed record ExperimentInfo(string Kind, string Title, string Description, JsonElement DefaultConfig, IReadOnlyList<PresetInfo> Presets);

/// <summary>A named partial config; missing fields take the kind's defaults.</summary>
public sealed record PresetInfo(string Name, string Description, JsonElement Config);

/// <summary>The kind names of PRODUCT.md; other tools drive the product through them.</summary>
public static class ExperimentKinds
{
    public const string Distill = "distill";
    public const string TemperatureSweep = "temperature-sweep";
    public const string Autoencoder = "autoencoder";
    public const string Vae = "vae";
    public const string Cvae = "cvae";
    public const string Gan = "gan";
    public const string Cgan = "cgan";
    public const string VaeGan = "vaegan";
    public const string TextDistill = "text-distill";
    public const string TextGan = "text-gan";
}
