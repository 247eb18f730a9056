using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Components;
using Vinula.Dashboard.Curves;
using Vinula.Engine.Experiments;
using Vinula.Shared;
using Vinula.Shared.Experiments;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Kinds;

/// <summary>Panels several kinds share, declared on a kind's registration and drawn by one component
/// (<c>SharedPanels</c>) below the kind's own panels.</summary>
[Flags]
public enum PanelCapabilities
{
    None = 0,

    /// <summary>A classifier scores the fixed samples every epoch (<c>quality-eNNN.json</c>).</summary>
    SampleQuality = 1,

    /// <summary>The test digits' codes, coloured by label (<c>latent-codes.json</c>).</summary>
    LatentStructure = 2,

    /// <summary>With <see cref="LatentStructure"/>: the codes are posterior means under a N(0, I) prior, whose
    /// circles are drawn.</summary>
    LatentPrior = 4,

    /// <summary>Interpolation between two test digits with the trained encoder and decoder (the engine's kind
    /// must be an <see cref="ILatentModelKind"/>).</summary>
    Homotopy = 8,

    /// <summary>A label-conditioned model redraws any test digit as every digit (an <see cref="ILatentModelKind"/>
    /// whose model is conditional).</summary>
    StyleTransfer = 16,
}

/// <summary>How an estimate reads the size of the training split.</summary>
/// <param name="TrainCount">The loaded training split's size; null before MNIST is loaded.</param>
public sealed record TrainingData(int? TrainCount)
{
    /// <summary>"7,000": the digits a run of this config trains on.</summary>
    public string Digits(ExperimentConfig config) => (config.TrainSize ?? TrainCount ?? 7_000).ToString("N0", CultureInfo.CurrentCulture);
}

/// <summary>
/// One experiment kind on the dashboard: its form (a <c>KindForm&lt;TConfig&gt;</c>, on the New page), its panels (a
/// <c>KindPanels&lt;TConfig&gt;</c>, on the Run page's Training tab), the shared panels it has, and the one-line
/// estimate beside Start, and the x axis its curves open on (each model's epochs where a run trains models one after
/// another and the point is to compare them). Registered once, in <see cref="KindViews"/>.
/// </summary>
public sealed record DashboardKind(
    string Kind,
    Type ConfigType,
    Type Form,
    Type Panels,
    PanelCapabilities Capabilities,
    Func<ExperimentConfig, TrainingData, string> Estimate,
    CurveAxis DefaultAxis = CurveAxis.Step)
{
    public bool Has(PanelCapabilities capability) => (Capabilities & capability) == capability;
}

/// <summary>A stored run as its panels see it: the kind's views and the run's config, read once as its kind's type.</summary>
public sealed record KindView(DashboardKind Kind, ExperimentConfig Config);

/// <summary>Every kind's dashboard views, checked against the engine's catalog when it is built.</summary>
public sealed class KindRegistry
{
    private readonly Dictionary<string, DashboardKind> _byKind;
    private readonly ExperimentCatalog _catalog;

    public KindRegistry(IEnumerable<DashboardKind> kinds, ExperimentCatalog catalog)
    {
        _catalog = catalog;
        _byKind = [];
        foreach (var kind in kinds)
        {
            if (!_byKind.TryAdd(kind.Kind, kind))
                throw new InvalidOperationException($"The kind '{kind.Kind}' is registered twice.");
            Check(kind, catalog.Find(kind.Kind));
        }
    }

    public IReadOnlyCollection<DashboardKind> All => _byKind.Values;

    public DashboardKind? Find(string? kind) => kind is not null && _byKind.TryGetValue(kind, out var k) ? k : null;

    /// <summary>Kinds the engine can run but the dashboard cannot show: should be none.</summary>
    public IReadOnlyList<string> Unregistered => [.. _catalog.All.Select(d => d.Kind).Where(k => !_byKind.ContainsKey(k))];

    /// <summary>The run's views and its config, deserialised as the kind's config type; null for an unknown kind.</summary>
    public KindView? Describe(RunDto run)
    {
        if (Find(run.Kind) is not { } kind || _catalog.Find(run.Kind) is not { } definition) return null;
        return run.Config.Deserialize(definition.ConfigType, VinulaJson.Options) is ExperimentConfig config ? new KindView(kind, config) : null;
    }

    /// <summary>The form and panels must take the engine's config type for the kind (their <c>Config</c> parameter).</summary>
    private static void Check(DashboardKind kind, IExperimentDefinition? definition)
    {
        if (definition is null)
            throw new InvalidOperationException($"The dashboard registers '{kind.Kind}', which the engine's catalog does not have.");
        if (!kind.ConfigType.IsAssignableFrom(definition.ConfigType))
            throw new InvalidOperationException($"'{kind.Kind}' is registered for {kind.ConfigType.Name}; the engine's config is {definition.ConfigType.Name}.");
        foreach (var component in new[] { kind.Form, kind.Panels })
        {
            var parameter = component.GetProperty("Config", BindingFlags.Public | BindingFlags.Instance);
            if (parameter?.GetCustomAttribute<ParameterAttribute>() is null || !parameter.PropertyType.IsAssignableFrom(definition.ConfigType))
                throw new InvalidOperationException($"{component.Name} has no Config parameter that takes a {definition.ConfigType.Name} ('{kind.Kind}').");
        }
    }
}

public static class KindRegistration
{
    /// <summary>Registers one kind's dashboard views: <typeparamref name="TForm"/> edits a
    /// <typeparamref name="TConfig"/> on the New page, <typeparamref name="TPanels"/> draws a run of it.</summary>
    public static IServiceCollection AddKindView<TConfig, TForm, TPanels>(this IServiceCollection services, string kind,
        Func<TConfig, TrainingData, string> estimate, PanelCapabilities capabilities = PanelCapabilities.None,
        CurveAxis defaultAxis = CurveAxis.Step)
        where TConfig : ExperimentConfig
        where TForm : IComponent
        where TPanels : IComponent
    {
        services.AddSingleton(new DashboardKind(kind, typeof(TConfig), typeof(TForm), typeof(TPanels), capabilities,
            (config, data) => estimate((TConfig)config, data), defaultAxis));
        return services;
    }
}
