using TorchSharp;
using Vinula.Engine.Models;
using Vinula.Engine.Training;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Vinula.Engine.Experiments.Autoencoder;

/// <summary>Trains a dense or conv autoencoder with Adam on the mean squared error per pixel (the measure PCA
/// minimises, so the two compare); a reconstruction grid and the test MSE every epoch.</summary>
public sealed class AutoencoderPhase : TrainingPhase
{
    private readonly nn.Module<Tensor, Tensor> _model;
    private readonly ClassifierData _data;
    private readonly ReconstructionGrid _grid;
    private readonly TorchSharp.Modules.Adam _optimizer;
    private readonly int _batchSize;
    private readonly int _seed;
    private int[] _order = [];

    public AutoencoderPhase(PhasePlan plan, nn.Module<Tensor, Tensor> model, ClassifierData data, Shared.Experiments.ExperimentConfig config)
        : base(plan)
    {
        _model = model;
        _data = data;
        _grid = new ReconstructionGrid(data);
        _batchSize = config.BatchSize;
        _seed = config.Seed;
        _optimizer = Optimizers.Adam(model.parameters(), config);
    }

    public override void BeginEpoch(int epoch)
    {
        _model.train();
        _order = Data.Subsets.EpochOrder(_data.TrainCount, _seed, epoch);
    }

    public override IReadOnlyList<StepValue> Step(int epoch, int step)
    {
        var (x, _) = _data.Batch(_order, step, _batchSize);
        _optimizer.zero_grad();
        var loss = F.mse_loss(_model.forward(x), x);
        loss.backward();
        _optimizer.step();
        return [new StepValue("train_loss", loss.item<float>())];
    }

    public override void EndEpoch(int epoch, long globalStep, RunContext context)
    {
        _model.eval();
        var testMse = Mse(_data.TestX);
        context.Metrics(globalStep, ($"{Role}/test_mse", testMse));
        using (var originals = _grid.Originals())
        using (var reconstructed = _model.forward(originals))
            _grid.Store(context, $"reconstructions-e{epoch + 1:000}.png", globalStep, reconstructed);
        context.Log($"{Role}: epoch {epoch + 1} test MSE per pixel {testMse:0.00000}.");
    }

    public override void Complete(long globalStep, RunContext context)
    {
        _model.eval();
        context.Summary["test.mse"] = Mse(_data.TestX);
        context.Summary["train.mse"] = Mse(_data.TrainX);
        context.Summary[$"{Role}.params"] = _model.ParameterCount();
        using (torch.no_grad())
        using (var codes = ((IAutoencoder)_model).Encode(_data.TestX))
            Analysis.LatentScatter.Store(context, codes, TestLabels(_data), globalStep);
    }

    internal static int[] TestLabels(ClassifierData data) => [.. data.Mnist.GatherLabels(data.TestIndices).Select(l => (int)l)];

    /// <summary>Mean squared error per pixel over a split, in chunks.</summary>
    private double Mse(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        double total = 0;
        foreach (var (start, length) in EvaluationChunks.Of(x.shape[0]))
        {
            using var chunkScope = torch.NewDisposeScope();
            var chunk = x.narrow(0, start, length);
            total += (_model.forward(chunk) - chunk).pow(2).sum().to(ScalarType.Float64).item<double>();
        }
        return total / (x.shape[0] * x.shape[1]);
    }

    public override void Save(BinaryWriter writer) => SaveState(writer, _model, _optimizer);

    public override void Load(BinaryReader reader) => LoadState(reader, _model, _optimizer);

    protected override void Dispose(bool disposing)
    {
        if (disposing) _optimizer.Dispose();
    }
}

/// <summary>PCA has no training loop: a phase of zero epochs whose completion fits it in closed form.</summary>
public sealed class PcaPhase(PhasePlan plan, ClassifierData data, int components) : TrainingPhase(plan)
{
    public override void BeginEpoch(int epoch) { }
    public override IReadOnlyList<StepValue> Step(int epoch, int step) => throw new InvalidOperationException("PCA does not train in steps.");
    public override void EndEpoch(int epoch, long globalStep, RunContext context) { }
    public override void Save(BinaryWriter writer) { }
    public override void Load(BinaryReader reader) { }

    public override void Complete(long globalStep, RunContext context)
    {
        using var pca = Pca.Fit(data.TrainX, components);
        var s = context.Summary;
        s["train.mse"] = pca.ReconstructionMse(data.TrainX);
        s["train.mse_eckart_young"] = pca.EckartYoungMse;
        s["test.mse"] = pca.ReconstructionMse(data.TestX);
        s["explained_variance"] = pca.Eigenvalues.Take(components).Sum() / pca.Eigenvalues.Sum();
        context.Metrics(globalStep, ($"{Role}/train_mse", s["train.mse"]), ($"{Role}/test_mse", s["test.mse"]));

        var grid = new ReconstructionGrid(data);
        using var originals = grid.Originals();
        using var reconstructed = pca.Decode(pca.Encode(originals));
        grid.Store(context, "reconstructions-pca.png", globalStep, reconstructed);
        using (var codes = pca.Encode(data.TestX))
            Analysis.LatentScatter.Store(context, codes, AutoencoderPhase.TestLabels(data), globalStep);
        context.Log($"pca: {components} components explain {s["explained_variance"]:P1} of the variance; " +
                    $"train MSE {s["train.mse"]:0.00000} (Eckart–Young {s["train.mse_eckart_young"]:0.00000}), test MSE {s["test.mse"]:0.00000}.");
    }
}
