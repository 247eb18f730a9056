using Vinula.Engine.Training;

namespace Vinula.Engine.Export;

/// <summary>One tensor of a model's state dict as stored: its state-dict key, its safetensors dtype code, its shape and
/// its raw little-endian bytes (a slice of the checkpoint, not a copy).</summary>
public sealed record WeightTensor(string Name, string Dtype, long[] Shape, ArraySegment<byte> Data);

/// <summary>
/// The weights of the model a phase checkpoint holds, read without building the model: a checkpoint is its header,
/// then the model's <c>Module.save</c> bytes, then the optimiser's state (<c>TrainingPhase.SaveState</c>), so
/// every kind's models export the same way. Where a phase trains two models in one checkpoint (a GAN's generator
/// and discriminator), this is the first: the one <c>SaveState</c> writes first.
/// </summary>
public sealed class ModelWeights
{
    private ModelWeights(Checkpoint header, ArraySegment<byte> torchSharp, IReadOnlyList<WeightTensor> tensors)
    {
        Header = header;
        TorchSharp = torchSharp;
        Tensors = tensors;
    }

    public Checkpoint Header { get; }

    /// <summary>Exactly what <c>Module.save</c> wrote: TorchSharp's <c>module.load(path)</c> reads it back.</summary>
    public ArraySegment<byte> TorchSharp { get; }

    /// <summary>In state-dict order; names are the module's state-dict keys (<c>layers.fc0.weight</c>).</summary>
    public IReadOnlyList<WeightTensor> Tensors { get; }

    /// <summary>
    /// Parses TorchSharp's state-dict format, as its own Python writer spells it (TorchSharp <c>src/Python/exportsd.py</c>,
    /// <c>save_state_dict</c>, and <c>Tensor.Save</c> in <c>TensorExtensionMethods.cs</c>): a ULEB128 entry count, then per
    /// entry a ULEB128 byte length and the UTF-8 key (what <c>BinaryWriter.Write(string)</c> writes), the dtype as
    /// ULEB128 (TorchSharp's <c>ScalarType</c>), the rank and each dimension as ULEB128, then the elements' bytes.
    /// Null when the checkpoint holds no model (a PCA phase stores nothing: it is refitted).
    /// </summary>
    public static ModelWeights? FromCheckpoint(byte[] checkpoint)
    {
        using var reader = new BinaryReader(new MemoryStream(checkpoint), System.Text.Encoding.UTF8);
        var header = Checkpoint.ReadHeader(reader);
        var start = (int)reader.BaseStream.Position;
        if (start == checkpoint.Length) return null;
        var count = Uleb128(reader);
        var tensors = new List<WeightTensor>((int)count);
        for (var i = 0; i < count; i++)
        {
            var name = reader.ReadString();
            var (dtype, size) = Element(Uleb128(reader));
            var shape = new long[Uleb128(reader)];
            for (var d = 0; d < shape.Length; d++) shape[d] = Uleb128(reader);
            var length = checked(shape.Aggregate(1L, (n, s) => n * s) * size);
            var offset = (int)reader.BaseStream.Position;
            if (offset + length > checkpoint.Length)
                throw new InvalidDataException($"The checkpoint ends inside tensor '{name}'.");
            tensors.Add(new WeightTensor(name, dtype, shape, new ArraySegment<byte>(checkpoint, offset, (int)length)));
            reader.BaseStream.Position = offset + length;
        }
        var end = (int)reader.BaseStream.Position;
        return new ModelWeights(header, new ArraySegment<byte>(checkpoint, start, end - start), tensors);
    }

    private static long Uleb128(BinaryReader reader)
    {
        long value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = reader.ReadByte();
            value |= (long)(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return value;
            if (shift > 56) throw new InvalidDataException("A length in the checkpoint is malformed.");
        }
    }

    /// <summary>TorchSharp's <c>ScalarType</c> codes (as in exportsd.py's <c>_elem_type</c>) → the safetensors dtype
    /// and the element size in bytes.</summary>
    private static (string Dtype, int Size) Element(long scalarType) => scalarType switch
    {
        0 => ("U8", 1),
        1 => ("I8", 1),
        2 => ("I16", 2),
        3 => ("I32", 4),
        4 => ("I64", 8),
        5 => ("F16", 2),
        6 => ("F32", 4),
        7 => ("F64", 8),
        11 => ("BOOL", 1),
        15 => ("BF16", 2),
        _ => throw new InvalidDataException($"The checkpoint holds a tensor of TorchSharp type {scalarType}, which has no safetensors dtype."),
    };
}
