namespace Vinula.Engine.Training;

/// <summary>
/// A phase's checkpoint: how far it got (epochs done, global step) and its model and optimiser state.
/// Data order and dropout masks derive from (seed, role, epoch), so that is all a resume needs.
/// </summary>
public sealed record Checkpoint(string Role, int EpochsDone, long GlobalStep)
{
    private const string Magic = "VINULA-CKPT";
    private const int Version = 1;

    public static string NameFor(string role) => $"{role}";

    public static byte[] Write(string role, int epochsDone, long globalStep, TrainingPhase phase)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(Version);
            writer.Write(role);
            writer.Write(epochsDone);
            writer.Write(globalStep);
            phase.Save(writer);
        }
        return stream.ToArray();
    }

    /// <summary>Reads the header; leaves <paramref name="reader"/> at the phase state.</summary>
    public static Checkpoint ReadHeader(BinaryReader reader)
    {
        if (reader.ReadString() != Magic)
            throw new InvalidDataException("Not a Vinula checkpoint.");
        var version = reader.ReadInt32();
        if (version != Version)
            throw new InvalidDataException($"Checkpoint version {version} is not supported.");
        return new Checkpoint(reader.ReadString(), reader.ReadInt32(), reader.ReadInt64());
    }
}
