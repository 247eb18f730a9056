using System.Buffers.Binary;
using System.Text.Json;

namespace Vinula.Engine.Export;

/// <summary>
/// Writes the safetensors format (huggingface/safetensors, README "Format"): an unsigned 64-bit little-endian header
/// length N; N bytes of UTF-8 JSON, <c>{"name": {"dtype", "shape", "data_offsets": [begin, end]}, …,
/// "__metadata__": {string: string}}</c>, which may be padded with spaces; then one byte buffer, row-major and
/// little-endian, that the offsets (relative to the buffer's start) cover entirely, with no holes. PyTorch reads
/// it with <c>safetensors.torch.load_file</c>.
/// </summary>
public static class SafeTensors
{
    /// <summary>The header is padded to a multiple of this, as the reference writer does, so every tensor of a
    /// 4- or 8-byte dtype starts aligned when the file is memory-mapped.</summary>
    private const int Alignment = 8;

    public static byte[] Write(IReadOnlyList<WeightTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        CheckNames(tensors);
        var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata) json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var tensor in tensors)
            {
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", tensor.Dtype);
                json.WriteStartArray("shape");
                foreach (var dim in tensor.Shape) json.WriteNumberValue(dim);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset += tensor.Data.Count);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        var padding = (Alignment - (int)((8 + header.Length) % Alignment)) % Alignment;
        for (var i = 0; i < padding; i++) header.WriteByte((byte)' ');

        var file = new MemoryStream();
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        file.Write(length);
        header.Position = 0;
        header.CopyTo(file);
        foreach (var tensor in tensors) file.Write(tensor.Data);
        return file.ToArray();
    }

    /// <summary>The format allows each key once in the header, and reserves <c>__metadata__</c>.</summary>
    private static void CheckNames(IReadOnlyList<WeightTensor> tensors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { "__metadata__" };
        foreach (var tensor in tensors)
            if (!seen.Add(tensor.Name))
                throw new InvalidDataException($"Tensor name '{tensor.Name}' appears twice (or is reserved) in a safetensors header.");
    }
}
