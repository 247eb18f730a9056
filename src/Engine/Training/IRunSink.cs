using System.Text.Json;
using Vinula.Shared.Events;
using Vinula.Shared.Runs;

namespace Vinula.Engine.Training;

/// <summary>
/// Everything a training run hands to the outside world, as plain data. The host stores it and relays it
/// to browsers; the engine does not care how. Called on the run's own thread.
/// </summary>
public interface IRunSink
{
    /// <summary>Every plain-data report: metrics, progress, log lines, text samples, kind-specific points. The
    /// host decides what to store and how often to push (it may coalesce metrics and progress).</summary>
    void Publish(EngineEvent e);

    /// <summary>Stores a file of the run (PNG grid, JSON) and announces it.</summary>
    void Artifact(ArtifactInfo info, byte[] content);

    /// <summary>Stores (replacing) a named checkpoint of this run.</summary>
    void Checkpoint(string name, byte[] content);

    /// <summary>On resume: forget metric points after <paramref name="step"/>, the last checkpointed step, because
    /// the steps after it are trained again (no gaps, no duplicates).</summary>
    void Rewind(long step);

    /// <summary>Writes whatever the host buffered (before a pause, so the page shows every step taken).</summary>
    void Flush() { }
}

/// <summary>Read access to stored runs: a teacher to reuse, this run's own checkpoints on resume.</summary>
public interface IRunLibrary
{
    StoredRun? Find(string runId);
    byte[]? LoadCheckpoint(string runId, string name);

    /// <summary>Whether the checkpoint exists, without reading it (validation runs on every keystroke).</summary>
    bool HasCheckpoint(string runId, string name);
    byte[]? LoadArtifact(string runId, string name);

    /// <summary>An uploaded text corpus (<c>POST /api/corpora</c>) by id: its name and UTF-8 bytes, or null.</summary>
    (string Name, byte[] Content)? LoadCorpus(string corpusId);

    /// <summary>Whether an uploaded corpus exists, without reading it (validation).</summary>
    bool HasCorpus(string corpusId);
}

/// <summary>What the engine needs to know of a stored run.</summary>
public sealed record StoredRun(string Id, string Kind, RunStatus Status, JsonElement Config);
