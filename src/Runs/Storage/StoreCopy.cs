using Vinula.Shared.Events;

namespace Vinula.Runs.Storage;

/// <summary>What a copy did: runs and corpora copied, and those the target had already.</summary>
public sealed record StoreCopyResult(int Runs, int RunsSkipped, int Corpora, int CorporaSkipped, long MetricPoints, int LogLines,
    int Artifacts, int Checkpoints);

/// <summary>
/// Copies one store into another (LiteDB into a team's PostgreSQL, say): every run as it is, status included, with its
/// metrics, logs, artifacts and checkpoints, and every corpus under its own id. Runs and corpora the target already
/// has are skipped, so a copy that was interrupted can simply be run again.
/// </summary>
public static class StoreCopy
{
    public static StoreCopyResult Copy(IRunStore from, IRunStore to, Action<string>? progress = null)
    {
        var result = new StoreCopyResult(0, 0, 0, 0, 0, 0, 0, 0);
        foreach (var corpus in from.ListCorpora())
        {
            if (to.CorpusName(corpus.Id) is not null)
            {
                progress?.Invoke($"corpus {corpus.Id} ({corpus.Name}): already there, skipped");
                result = result with { CorporaSkipped = result.CorporaSkipped + 1 };
                continue;
            }
            if (from.LoadCorpus(corpus.Id) is not { } content) continue; // deleted meanwhile
            to.SaveCorpus(corpus, content);
            progress?.Invoke($"corpus {corpus.Id} ({corpus.Name}): copied");
            result = result with { Corpora = result.Corpora + 1 };
        }
        foreach (var run in from.All())
        {
            if (to.Exists(run.Id))
            {
                progress?.Invoke($"run {run.Id} ({run.Name}): already there, skipped");
                result = result with { RunsSkipped = result.RunsSkipped + 1 };
                continue;
            }
            result = CopyRun(from, to, run, result);
            progress?.Invoke($"run {run.Id} ({run.Name}): copied");
        }
        return result;
    }

    /// <summary>The run's document goes in last: until then the target does not have the run, and a copy run again
    /// first clears what an interrupted one left of it.</summary>
    private static StoreCopyResult CopyRun(IRunStore from, IRunStore to, RunDocument run, StoreCopyResult result)
    {
        to.Delete(run.Id);
        // Series by series, each in step order with a resumed run's repeats in their order: Metrics gives it so.
        List<MetricPoint> points = [.. from.Metrics(run.Id).Values.SelectMany(series => series)];
        to.AppendMetrics(run.Id, points);
        var logs = from.Logs(run.Id);
        foreach (var line in logs) to.AppendLog(run.Id, line);
        var artifacts = from.ListArtifacts(run.Id);
        foreach (var artifact in artifacts)
            if (from.LoadArtifact(run.Id, artifact.Name) is { } file) to.SaveArtifact(run.Id, file.Info, file.Content);
        var checkpoints = from.CheckpointNames(run.Id);
        foreach (var name in checkpoints)
            if (from.LoadCheckpoint(run.Id, name) is { } content) to.SaveCheckpoint(run.Id, name, content);
        to.Insert(run);
        return result with
        {
            Runs = result.Runs + 1,
            MetricPoints = result.MetricPoints + points.Count,
            LogLines = result.LogLines + logs.Count,
            Artifacts = result.Artifacts + artifacts.Count,
            Checkpoints = result.Checkpoints + checkpoints.Count,
        };
    }
}
