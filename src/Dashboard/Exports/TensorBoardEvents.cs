using System.Buffers.Binary;
using System.Numerics;
using Google.Protobuf;
using Vinula.Shared.Events;

namespace Vinula.Dashboard.Exports;

/// <summary>
/// A TensorBoard event file of a run's metrics: one scalar summary per metric point (tag = series name, its step and
/// wall time), readable by <c>tensorboard --logdir</c> and <c>tf.compat.v1.train.summary_iterator</c>.
/// Records are TFRecords (tensorflow/core/lib/io/record_writer.h): uint64 length, uint32 masked CRC32C of the length,
/// the data, uint32 masked CRC32C of the data, all little-endian. Each record's data is a <c>tensorflow.Event</c>
/// (tensorflow/core/util/event.proto: wall_time = 1 double, step = 2 int64, file_version = 3 string, summary = 5);
/// a <c>Summary</c> (tensorflow/core/framework/summary.proto) holds repeated <c>Value</c> = 1 with tag = 1 string and
/// simple_value = 2 float. The first record names the file version, as TensorFlow's writer does.
/// </summary>
public static class TensorBoardEvents
{
    public const string FileVersion = "brain.Event:2";

    /// <summary>TensorBoard only reads files whose name contains "tfevents"; the rest follows TensorFlow's
    /// <c>events.out.tfevents.{unix seconds}.{host}</c>.</summary>
    public static string FileName(DateTime createdAt) =>
        $"events.out.tfevents.{new DateTimeOffset(DateTime.SpecifyKind(createdAt, DateTimeKind.Utc)).ToUnixTimeSeconds()}.vinula";

    public static byte[] Write(DateTime createdAt, IEnumerable<MetricPoint> points)
    {
        using var file = new MemoryStream();
        WriteRecord(file, Event(WallTime(createdAt), 0, fileVersion: FileVersion));
        foreach (var point in points.OrderBy(p => p.Time).ThenBy(p => p.Step))
            WriteRecord(file, Event(WallTime(point.Time), point.Step, tag: point.Series, value: (float)point.Value));
        return file.ToArray();
    }

    /// <summary>CRC32C (Castagnoli) with the standard pre- and post-inversion; <see cref="BitOperations.Crc32C(uint, byte)"/>
    /// is the bare accumulate step.</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        var crc = uint.MaxValue;
        foreach (var b in data) crc = BitOperations.Crc32C(crc, b);
        return ~crc;
    }

    /// <summary>tensorflow/core/lib/hash/crc32c.h <c>Mask</c>: rotate right by 15 bits and add a constant, because a
    /// CRC of data that itself holds CRCs is weak.</summary>
    public static uint MaskedCrc32C(ReadOnlySpan<byte> data)
    {
        var crc = Crc32C(data);
        return unchecked(((crc >> 15) | (crc << 17)) + 0xa282ead8u);
    }

    private static double WallTime(DateTime time) => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)).ToUnixTimeMilliseconds() / 1000.0;

    private static void WriteRecord(Stream file, byte[] data)
    {
        Span<byte> length = stackalloc byte[8];
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)data.Length);
        file.Write(length);
        BinaryPrimitives.WriteUInt32LittleEndian(crc, MaskedCrc32C(length));
        file.Write(crc);
        file.Write(data);
        BinaryPrimitives.WriteUInt32LittleEndian(crc, MaskedCrc32C(data));
        file.Write(crc);
    }

    private static byte[] Event(double wallTime, long step, string? fileVersion = null, string? tag = null, float value = 0)
    {
        return Message(e =>
        {
            e.WriteTag(1, WireFormat.WireType.Fixed64);
            e.WriteDouble(wallTime);
            if (step != 0)
            {
                e.WriteTag(2, WireFormat.WireType.Varint);
                e.WriteInt64(step);
            }
            if (fileVersion is not null)
            {
                e.WriteTag(3, WireFormat.WireType.LengthDelimited);
                e.WriteString(fileVersion);
            }
            if (tag is not null)
            {
                var summaryValue = Message(v =>
                {
                    v.WriteTag(1, WireFormat.WireType.LengthDelimited);
                    v.WriteString(tag);
                    v.WriteTag(2, WireFormat.WireType.Fixed32);
                    v.WriteFloat(value);
                });
                var summary = Message(s =>
                {
                    s.WriteTag(1, WireFormat.WireType.LengthDelimited);
                    s.WriteBytes(ByteString.CopyFrom(summaryValue));
                });
                e.WriteTag(5, WireFormat.WireType.LengthDelimited);
                e.WriteBytes(ByteString.CopyFrom(summary));
            }
        });
    }

    private static byte[] Message(Action<CodedOutputStream> write)
    {
        using var buffer = new MemoryStream();
        using (var output = new CodedOutputStream(buffer, leaveOpen: true)) write(output);
        return buffer.ToArray();
    }
}
