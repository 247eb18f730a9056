using System.Buffers.Binary;
using System.Text.Json;
using Vinula.Engine.Export;
using Vinula.Engine.Training;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Vinula.Engine.Tests;

/// <summary>Weights read out of a phase checkpoint (header, model, optimiser) and written as safetensors.</summary>
public class ModelWeightsTests
{
    public ModelWeightsTests() => TestData.InitTorch();

    /// <summary>A linear layer and a batch norm: float parameters, float buffers and a 0-d int64 buffer.</summary>
    private static Module<Tensor, Tensor> Model() => Sequential(("fc0", Linear(4, 3)), ("bn0", BatchNorm1d(3)));

    private static byte[] CheckpointOf(Module<Tensor, Tensor> model)
    {
        using var phase = new ModelPhase(model);
        return Checkpoint.Write("student", 2, 40, phase);
    }

    [Fact]
    public void WeightsComeOutOfACheckpointByStateDictNameLeavingTheOptimiserBehind()
    {
        using var scope = NewDisposeScope();
        var model = Model();
        model.train();
        model.forward(randn(5, 4)); // batch-norm statistics move off their initial values

        var weights = ModelWeights.FromCheckpoint(CheckpointOf(model))!;

        Assert.Equal((2, 40L), (weights.Header.EpochsDone, weights.Header.GlobalStep));
        var state = model.state_dict();
        Assert.Equal(state.Keys, weights.Tensors.Select(t => t.Name));
        foreach (var t in weights.Tensors)
        {
            Assert.Equal(state[t.Name].shape, t.Shape);
            Assert.Equal(state[t.Name].bytes.ToArray(), t.Data.ToArray());
        }
        Assert.Equal(("I64", 0), weights.Tensors.Where(t => t.Name == "bn0.num_batches_tracked").Select(t => (t.Dtype, t.Shape.Length)).Single());
        Assert.All(weights.Tensors.Where(t => t.Name != "bn0.num_batches_tracked"), t => Assert.Equal("F32", t.Dtype));

        // The TorchSharp slice is a whole Module.save file: a fresh model loads it (strictly) to equal tensors.
        var fresh = Model();
        fresh.load(new MemoryStream([.. weights.TorchSharp]));
        foreach (var (name, tensor) in fresh.state_dict()) Assert.Equal(state[name].bytes.ToArray(), tensor.bytes.ToArray());
    }

    [Fact]
    public void SafetensorsHeaderDescribesAContiguousAlignedBuffer()
    {
        using var scope = NewDisposeScope();
        var weights = ModelWeights.FromCheckpoint(CheckpointOf(Model()))!;

        var file = SafeTensors.Write(weights.Tensors, new Dictionary<string, string> { ["format"] = "pt" });

        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        Assert.Equal(0, (8 + headerLength) % 8);
        var header = JsonDocument.Parse(file.AsMemory(8, headerLength)).RootElement;
        Assert.Equal("pt", header.GetProperty("__metadata__").GetProperty("format").GetString());
        long expectedBegin = 0;
        foreach (var t in weights.Tensors)
        {
            var entry = header.GetProperty(t.Name);
            Assert.Equal(t.Dtype, entry.GetProperty("dtype").GetString());
            Assert.Equal(t.Shape, entry.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
            var (begin, end) = (entry.GetProperty("data_offsets")[0].GetInt64(), entry.GetProperty("data_offsets")[1].GetInt64());
            Assert.Equal(expectedBegin, begin);
            Assert.Equal(t.Data.ToArray(), file.AsSpan(8 + headerLength + (int)begin, (int)(end - begin)).ToArray());
            expectedBegin = end;
        }
        Assert.Equal(file.Length, 8 + headerLength + expectedBegin);
    }

    [Fact]
    public void ACheckpointWithoutAModelHasNoWeights()
    {
        using var phase = new ModelPhase(null);
        Assert.Null(ModelWeights.FromCheckpoint(Checkpoint.Write("pca", 0, 0, phase)));
    }

    [Fact]
    public void ATruncatedCheckpointIsRefused()
    {
        using var scope = NewDisposeScope();
        var bytes = CheckpointOf(Model());
        var weights = ModelWeights.FromCheckpoint(bytes)!;
        var cut = bytes[..(weights.TorchSharp.Offset + weights.TorchSharp.Count / 2)];
        Assert.ThrowsAny<IOException>(() => ModelWeights.FromCheckpoint(cut)); // InvalidDataException or EndOfStreamException
    }

    [Fact]
    public void SafetensorsRefusesAKeyTwice()
    {
        var tensor = new WeightTensor("w", "F32", [1], new ArraySegment<byte>(new byte[4]));
        Assert.Throws<InvalidDataException>(() => SafeTensors.Write([tensor, tensor]));
    }

    /// <summary>Saves like every real phase: the model, then its Adam state (<see cref="TrainingPhase"/>.SaveState).</summary>
    private sealed class ModelPhase(Module<Tensor, Tensor>? model) : TrainingPhase(new PhasePlan("student", 1, 1))
    {
        private readonly Training.Adam? _optimizer = model is null ? null : new Training.Adam(model.parameters(), 0.01, 0.9);

        public override void BeginEpoch(int epoch) { }
        public override IReadOnlyList<StepValue> Step(int epoch, int step) => [];
        public override void EndEpoch(int epoch, long globalStep, RunContext context) { }
        public override void Save(BinaryWriter writer)
        {
            if (model is not null) SaveState(writer, model, _optimizer!);
        }
        public override void Load(BinaryReader reader) { }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _optimizer?.Dispose();
        }
    }
}
