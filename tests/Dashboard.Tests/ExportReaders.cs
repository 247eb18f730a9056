using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Vinula.Dashboard.Tests;

/// <summary>Readers for the export formats, written from their specs and independent of the writers under test
/// (no shared code, a bitwise CRC, hand-decoded protobuf), so a wrong writer cannot agree with itself.</summary>
public static class ExportReaders
{
    public sealed record SafetensorsEntry(string Name, string Dtype, long[] Shape, long Begin, long End);

    /// <summary>huggingface/safetensors README "Format": u64 LE header length, JSON header, byte buffer.</summary>
    public static (List<SafetensorsEntry> Tensors, Dictionary<string, string> Metadata, int BufferStart) Safetensors(byte[] file)
    {
        var headerLength = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(file));
        var header = JsonDocument.Parse(file.AsMemory(8, headerLength)).RootElement;
        var tensors = new List<SafetensorsEntry>();
        var metadata = new Dictionary<string, string>();
        foreach (var property in header.EnumerateObject())
        {
            if (property.Name == "__metadata__")
            {
                foreach (var m in property.Value.EnumerateObject()) metadata[m.Name] = m.Value.GetString()!;
                continue;
            }
            var offsets = property.Value.GetProperty("data_offsets");
            tensors.Add(new SafetensorsEntry(property.Name, property.Value.GetProperty("dtype").GetString()!,
                [.. property.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64())],
                offsets[0].GetInt64(), offsets[1].GetInt64()));
        }
        return (tensors, metadata, 8 + headerLength);
    }

    public sealed record Scalar(string Tag, long Step, float Value, double WallTime);

    /// <summary>TFRecords of tensorflow.Event (see TensorBoardEvents for the field numbers); both CRCs are checked.</summary>
    public static (string? FileVersion, List<Scalar> Scalars) TensorBoard(byte[] file)
    {
        string? version = null;
        var scalars = new List<Scalar>();
        var position = 0;
        while (position < file.Length)
        {
            var lengthBytes = file.AsSpan(position, 8);
            var length = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes));
            Assert.Equal(MaskedCrc(lengthBytes), BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(position + 8)));
            var data = file.AsSpan(position + 12, length).ToArray();
            Assert.Equal(MaskedCrc(data), BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(position + 12 + length)));
            position += 12 + length + 4;

            double wallTime = 0;
            long step = 0;
            foreach (var (field, value) in Fields(data))
                switch (field)
                {
                    case 1: wallTime = BitConverter.Int64BitsToDouble((long)(ulong)value); break;
                    case 2: step = (long)(ulong)value; break;
                    case 3: version = Encoding.UTF8.GetString((byte[])value); break;
                    case 5:
                        foreach (var (summaryField, summaryValue) in Fields((byte[])value))
                        {
                            Assert.Equal(1, summaryField);
                            string tag = "";
                            float simple = float.NaN;
                            foreach (var (valueField, v) in Fields((byte[])summaryValue))
                                if (valueField == 1) tag = Encoding.UTF8.GetString((byte[])v);
                                else if (valueField == 2) simple = BitConverter.Int32BitsToSingle((int)(ulong)v);
                            scalars.Add(new Scalar(tag, step, simple, wallTime));
                        }
                        break;
                }
        }
        return (version, scalars);
    }

    /// <summary>Protobuf wire format (protobuf.dev "Encoding"): key = field &lt;&lt; 3 | wire type; varint (0), 64-bit (1),
    /// length-delimited (2) and 32-bit (5) values.</summary>
    private static IEnumerable<(int Field, object Value)> Fields(byte[] message)
    {
        var i = 0;
        ulong Varint()
        {
            ulong result = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = message[i++];
                result |= (ulong)(b & 0x7f) << shift;
                if ((b & 0x80) == 0) return result;
            }
        }
        while (i < message.Length)
        {
            var key = Varint();
            var field = (int)(key >> 3);
            switch (key & 7)
            {
                case 0: yield return (field, Varint()); break;
                case 1: yield return (field, BinaryPrimitives.ReadUInt64LittleEndian(message.AsSpan(i))); i += 8; break;
                case 5: yield return (field, (ulong)BinaryPrimitives.ReadUInt32LittleEndian(message.AsSpan(i))); i += 4; break;
                case 2:
                    var length = (int)Varint();
                    yield return (field, message.AsSpan(i, length).ToArray());
                    i += length;
                    break;
                default: throw new InvalidDataException($"Wire type {key & 7} is not expected in an event file.");
            }
        }
    }

    /// <summary>CRC-32C bit by bit: reflected polynomial 0x82F63B78, initial and final inversion (RFC 3720 §12.1).</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        var crc = uint.MaxValue;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
        }
        return ~crc;
    }

    private static uint MaskedCrc(ReadOnlySpan<byte> data)
    {
        var crc = Crc32C(data);
        return unchecked(((crc >> 15) | (crc << 17)) + 0xa282ead8u);
    }
}
