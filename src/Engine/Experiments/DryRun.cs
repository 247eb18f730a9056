using System.Text.Json.Nodes;

namespace Vinula.Engine.Experiments;

/// <summary>
/// A kind's defaults shrunk to a dry run (pytorch/examples' <c>--dry-run</c>): every <c>epochs</c> field, nested
/// ones such as the teacher's too, set to a few, on two batches of 100 training digits. Every kind has these fields,
/// so the test suite dry-runs whatever the catalog holds through the runner and the API without a config per kind.
/// </summary>
public static class DryRun
{
    public const int TrainSize = 200;
    public const int BatchSize = 100;

    /// <param name="preset">A preset's fields, laid over the defaults before they are shrunk (so a preset's own
    /// epoch counts shrink too).</param>
    public static JsonObject Config(IExperimentDefinition definition, int epochs = 2, JsonObject? preset = null)
    {
        var json = ExperimentCatalog.ToJsonObject(definition.CreateDefault());
        foreach (var (key, value) in preset ?? [])
            json[key] = value is JsonObject fields && json[key] is JsonObject defaults ? Merge(defaults, fields) : value?.DeepClone();
        SetEpochs(json, epochs);
        (json["trainSize"], json["batchSize"]) = (TrainSize, BatchSize);
        return json;
    }

    /// <summary>A nested preset object changes only the fields it names, as binding it onto the defaults does.</summary>
    private static JsonObject Merge(JsonObject defaults, JsonObject fields)
    {
        var merged = (JsonObject)defaults.DeepClone();
        foreach (var (key, value) in fields) merged[key] = value?.DeepClone();
        return merged;
    }

    private static void SetEpochs(JsonObject node, int epochs)
    {
        foreach (var (name, value) in node.ToList())
            if (value is JsonObject child) SetEpochs(child, epochs);
            else if (name == "epochs" && value is JsonValue) node[name] = epochs;
    }
}
