using System.Security.Cryptography;

namespace Vinula.Runs.Storage;

/// <summary>Makes a run id: short, URL-safe, sortable by creation time.</summary>
public static class RunIds
{
    public static string New() => $"{DateTime.UtcNow:yyMMdd}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
}

/// <summary>Makes an uploaded corpus's id: the same in every store, so a copied store's run configs still find it.</summary>
public static class CorpusIds
{
    public static string New() => $"c{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}";
}
