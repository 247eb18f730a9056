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

    public static JsonObject Config(IExperimentDefinition definition, int epochs = 2)
    {
        var json = ExperimentCatalog.ToJsonObject(definition.CreateDefault());
        SetEpochs(json, epochs);
        (json["trainSize"], json["batchSize"]) = (TrainSize, BatchSize);
        return json;
    }

    private static void SetEpochs(JsonObject node, int epochs)
    {
        foreach (var (name, value) in node.ToList())
            if (value is JsonObject child) SetEpochs(child, epochs);
            else if (name == "epochs" && value is JsonValue) node[name] = epochs;
    }
}
