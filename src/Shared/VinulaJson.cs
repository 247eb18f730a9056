using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vinula.Shared;

/// <summary>The one JSON dialect of Vinula: camelCase, lowercase enum strings, ISO-8601 times.</summary>
public static class VinulaJson
{
    /// <summary>For API bodies, events and stored documents.</summary>
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>For experiment configs: like <see cref="Options"/>, but unknown fields are refused and numbers
    /// must be numbers, so a typo never silently falls back to a default.</summary>
    public static JsonSerializerOptions StrictConfig { get; } = CreateStrict();

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals;
        return options;
    }

    private static JsonSerializerOptions CreateStrict()
    {
        var options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.AllowTrailingCommas = false;
        options.WriteIndented = false;
        return options;
    }
}
