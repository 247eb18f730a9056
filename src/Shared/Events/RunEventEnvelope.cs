using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Vinula.Shared.Events;

/// <summary>
/// A run event as text for another process: <c>{"origin":…,"type":"MetricsAppended","event":{…}}</c>, the event in the
/// hub's own JSON. The origin lets a process skip its own events when they come back from a shared channel.
/// </summary>
public static class RunEventEnvelope
{
    private static readonly FrozenDictionary<string, Type> Types = typeof(RunEvent).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(RunEvent)) && !t.IsAbstract)
        .ToFrozenDictionary(t => t.Name, StringComparer.Ordinal);

    public static string Write(string origin, RunEvent e) => new JsonObject
    {
        ["origin"] = origin,
        ["type"] = e.GetType().Name,
        ["event"] = JsonSerializer.SerializeToNode(e, e.GetType(), VinulaJson.Options),
    }.ToJsonString();

    /// <summary>Null for text that is not an envelope of a known event (a newer process's event type, say).</summary>
    public static (string Origin, RunEvent Event)? Read(string text)
    {
        try
        {
            if (JsonNode.Parse(text) is not JsonObject o
                || o["origin"]?.GetValue<string>() is not { } origin
                || o["type"]?.GetValue<string>() is not { } type
                || !Types.TryGetValue(type, out var eventType)
                || o["event"]?.Deserialize(eventType, VinulaJson.Options) is not RunEvent e) return null;
            return (origin, e);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
