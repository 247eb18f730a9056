namespace Vinula.Engine.Hosting;

/// <summary>
/// The folder that holds <c>Dashboard.sln</c>, <c>appsettings.json</c> and <c>wwwroot/</c>. Found by walking up
/// from the running assembly (build output lives below it), so `dotnet run`, tests and benchmarks all read
/// the same top-level files; <c>VINULA_ROOT</c> overrides it for a published copy.
/// </summary>
public static class RepositoryRoot
{
    public const string Marker = "Dashboard.sln";
    public const string EnvironmentVariable = "VINULA_ROOT";

    public static string Find(string? start = null)
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } configured)
            return Path.GetFullPath(configured);
        for (var dir = new DirectoryInfo(start ?? AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, Marker)))
                return dir.FullName;
        // A published app without the repository: its own folder is the root.
        return AppContext.BaseDirectory;
    }

    /// <summary>An absolute path as is; a relative one against the root.</summary>
    public static string Resolve(string root, string path) => Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(root, path));
}
