using System.Buffers.Binary;
using System.IO.Compression;

namespace Vinula.Engine.Data;

/// <summary>
/// Reads the IDX format of the original MNIST files (LeCun et al.): a big-endian magic number whose third
/// byte is the element type (0x08 = unsigned byte) and fourth the number of dimensions, then one
/// big-endian int32 per dimension, then the data. Files ending in .gz are decompressed on the fly.
/// </summary>
public static class IdxReader
{
    public sealed record IdxArray(int[] Shape, byte[] Data);

    public static IdxArray Read(string path)
    {
        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(file, CompressionMode.Decompress)
            : file;
        return Read(stream, Path.GetFileName(path));
    }

    public static IdxArray Read(Stream stream, string name)
    {
        Span<byte> header = stackalloc byte[4];
        stream.ReadExactly(header);
        if (header[0] != 0 || header[1] != 0)
            throw new InvalidDataException($"{name} is not an IDX file (bad magic number).");
        if (header[2] != 0x08)
            throw new InvalidDataException($"{name} holds IDX type 0x{header[2]:x2}; only unsigned bytes (0x08) are supported.");
        int rank = header[3];
        if (rank is < 1 or > 4)
            throw new InvalidDataException($"{name} declares {rank} dimensions.");

        var shape = new int[rank];
        Span<byte> dim = stackalloc byte[4];
        long count = 1;
        for (var d = 0; d < rank; d++)
        {
            stream.ReadExactly(dim);
            shape[d] = BinaryPrimitives.ReadInt32BigEndian(dim);
            if (shape[d] < 0) throw new InvalidDataException($"{name} has a negative dimension.");
            count *= shape[d];
        }
        if (count > int.MaxValue) throw new InvalidDataException($"{name} is too large.");

        var data = new byte[count];
        try { stream.ReadExactly(data); }
        catch (EndOfStreamException) { throw new InvalidDataException($"{name} is shorter than its header says ({count} values)."); }
        return new IdxArray(shape, data);
    }
}
