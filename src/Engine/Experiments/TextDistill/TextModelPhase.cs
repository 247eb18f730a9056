using TorchSharp;
using Vinula.Engine.Models;
using Vinula.Engine.Training;
using static TorchSharp.torch;

namespace Vinula.Engine.Experiments.TextDistill;

/// <summary>
/// What every text-distill phase shares: one model trained by Adam, the run's (seed, stream) generator drawing its
/// dropout and masks (reseeded per epoch, so a resumed epoch draws what it would have), a shuffled order of the
/// training passages per epoch, and checkpoints of model and optimiser.
/// </summary>
public abstract class TextModelPhase : TrainingPhase
{
    private readonly int _trainCount;
    private readonly string _randomStream;

    protected TextModelPhase(PhasePlan plan, nn.Module<Tensor, Tensor> model, int trainCount, double learningRate, int seed, string randomStream)
        : base(plan)
    {
        Model = model;
        _trainCount = trainCount;
        Seed = seed;
        _randomStream = randomStream;
        Optimizer = torch.optim.Adam(model.parameters(), learningRate);
        Random = Seeds.Generator(seed, Seeds.Of(randomStream));
        model.DrawDropoutFrom(Random);
    }

    protected nn.Module<Tensor, Tensor> Model { get; }
    protected TorchSharp.Modules.Adam Optimizer { get; }
    protected torch.Generator Random { get; }
    protected int Seed { get; }

    /// <summary>This epoch's order of the training passages.</summary>
    protected int[] Order { get; private set; } = [];

    public override void BeginEpoch(int epoch)
    {
        Model.train();
        Order = Data.Subsets.EpochOrder(_trainCount, Seed, epoch);
        Random.Reseed(Seed, Seeds.Of(_randomStream), epoch);
    }

    public override void Save(BinaryWriter writer) => SaveState(writer, Model, Optimizer);

    public override void Load(BinaryReader reader) => LoadState(reader, Model, Optimizer);

    protected override void Dispose(bool disposing)
    {
        if (!disposing) return;
        Optimizer.Dispose();
        Model.DrawDropoutFrom(null); // the teacher outlives its phase, and only runs in eval mode after it
        Random.Dispose();
    }
}
