using System.Text.Json;
using System.Text.Json.Nodes;
using Vinula.Engine.Experiments.Distill;
using Vinula.Engine.Training;
using Vinula.Shared;
using Vinula.Shared.Experiments;

namespace Vinula.Engine.Experiments;

/// <summary>Every experiment kind the engine can run, and turning a (partial) JSON config into a valid one.</summary>
public sealed class ExperimentCatalog
{
    private readonly Dictionary<string, IExperimentDefinition> _byKind;

    public ExperimentCatalog(IEnumerable<IExperimentDefinition> definitions) =>
        _byKind = definitions.ToDictionary(d => d.Kind, StringComparer.Ordinal);

    /// <summary>The kinds built so far.</summary>
    public static ExperimentCatalog CreateDefault() =>
        new([new DistillExperiment(), new TemperatureSweep.TemperatureSweepExperiment(), new Autoencoder.AutoencoderExperiment(),
            new Vae.VaeExperiment(), new Vae.CvaeExperiment(), new Gan.GanExperiment(), new Gan.CganExperiment(), new VaeGan.VaeGanExperiment(),
            new TextDistill.TextDistillExperiment(), new TextGan.TextGanExperiment()]);

    public IReadOnlyCollection<IExperimentDefinition> All => _byKind.Values;

    public IExperimentDefinition? Find(string? kind) => kind is not null && _byKind.TryGetValue(kind, out var d) ? d : null;

    /// <summary>
    /// Reads a partial config (missing fields take the kind's defaults; unknown fields and wrong types are
    /// errors) and validates it. Error paths are relative to the config.
    /// </summary>
    public BindResult Bind(IExperimentDefinition definition, JsonElement? json, IRunLibrary library)
    {
        ExperimentConfig? config;
        if (json is null || json.Value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
            config = definition.CreateDefault();
        else if (json.Value.ValueKind != JsonValueKind.Object)
            return BindResult.Failed(new ValidationError("", "The config must be a JSON object."));
        else
        {
            try
            {
                var partial = JsonObject.Create(json.Value)!;
                config = definition.DefaultsFor(partial) is { } defaults
                    ? (ExperimentConfig?)Overlay(ToJsonObject(defaults), partial).Deserialize(definition.ConfigType, VinulaJson.StrictConfig)
                    : (ExperimentConfig?)json.Value.Deserialize(definition.ConfigType, VinulaJson.StrictConfig);
            }
            catch (JsonException e)
            {
                return BindResult.Failed(JsonError(e));
            }
            if (config is null)
                return BindResult.Failed(new ValidationError("", "The config must be a JSON object."));
        }

        var errors = definition.Validate(config, library);
        if (errors.Count > 0) return new BindResult(config, errors);
        definition.Resolve(config, library);
        return BindResult.Ok(config);
    }

    /// <summary>The given fields over the defaults, nested objects field by field (a posted <c>teacher.layers</c>
    /// keeps the defaults' other teacher fields).</summary>
    public static JsonObject Overlay(JsonObject defaults, JsonObject given)
    {
        foreach (var (name, value) in given)
            defaults[name] = value is JsonObject child && defaults[name] is JsonObject under
                ? Overlay(under, child)
                : value?.DeepClone();
        return defaults;
    }

    /// <summary>The resolved config as JSON (every field, defaults filled in).</summary>
    public static JsonElement ToJson(ExperimentConfig config) =>
        JsonSerializer.SerializeToElement(config, config.GetType(), VinulaJson.Options);

    public static JsonObject ToJsonObject(ExperimentConfig config) =>
        JsonSerializer.SerializeToNode(config, config.GetType(), VinulaJson.Options)!.AsObject();

    /// <summary>Turns System.Text.Json's error into a field path and a sentence without .NET type names.</summary>
    public static ValidationError JsonError(JsonException e)
    {
        var path = (e.Path ?? "$").TrimStart('$').TrimStart('.');
        var message = e.Message;
        const string unmapped = "The JSON property '";
        if (message.StartsWith(unmapped, StringComparison.Ordinal))
        {
            var name = message[unmapped.Length..message.IndexOf('\'', unmapped.Length)];
            path = path.Length == 0 ? name : path.EndsWith(name, StringComparison.Ordinal) ? path : $"{path}.{name}";
            return new ValidationError(path, $"Unknown field '{name}'.");
        }
        var field = path.Length == 0 ? "The config" : $"'{path}'";
        return new ValidationError(path, $"{field} has the wrong type or format.");
    }
}

/// <summary>A bound config and what is wrong with it; <c>Config</c> is usable only when <c>IsValid</c>.</summary>
public sealed record BindResult(ExperimentConfig? Config, IReadOnlyList<ValidationError> Errors)
{
    public bool IsValid => Errors.Count == 0 && Config is not null;
    public static BindResult Ok(ExperimentConfig config) => new(config, []);
    public static BindResult Failed(ValidationError error) => new(null, [error]);
}
