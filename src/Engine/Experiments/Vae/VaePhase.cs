using System.Text.Json;
using TorchSharp;
using Vinula.Engine.Analysis;
using Vinula.Engine.Data;
using Vinula.Engine.Imaging;
using Vinula.Engine.Losses;
using Vinula.Engine.Models;
using Vinula.Engine.Training;
using Vinula.Shared;
using Vinula.Shared.Experiments;
using static TorchSharp.torch;

namespace Vinula.Engine.Experiments.Vae;

/// <summary>
/// Trains a VAE on −ELBO (β weighs the KL); after each epoch the test ELBO, reconstruction and KL, the number of
/// active units (Burda et al. 2016: Cov_x(E_q[z_u]) &gt; 0.01), samples from the prior drawn from one fixed noise
/// batch, and for a 2-D latent the manifold: the decoder over a grid of z through the Gaussian inverse CDF.
/// </summary>
public sealed class VaePhase : TrainingPhase
{
    public const int ManifoldSide = 20;
    private const double ActiveThreshold = 0.01;
    private readonly Models.Vae _model;
    private readonly ClassifierData _data;
    private readonly TorchSharp.Modules.Adam _optimizer;
    private readonly FixedSamples _samples;
    private readonly int _batchSize;
    private readonly int _seed;
    private readonly double _beta;
    private readonly torch.Generator _random;
    private int[] _order = [];

    public VaePhase(PhasePlan plan, Models.Vae model, ClassifierData data, VaeConfigBase config) : base(plan)
    {
        _model = model;
        _data = data;
        _batchSize = config.BatchSize;
        _seed = config.Seed;
        _beta = config.Beta;
        _optimizer = Optimizers.Adam(model.parameters(), config);
        _random = Seeds.Generator(data.TrainX.device, _seed, Seeds.Of(plan.Role));
        // Prior samples from one noise batch; a cVAE's grid has a row per digit, the same ten z in every row.
        _samples = new FixedSamples(model.Latent, Conditional, _seed, "prior-samples", data.TrainX.device);
    }

    private bool Conditional => _model.Conditions > 0;

    private static Tensor OneHot(Tensor labels) => nn.functional.one_hot(labels, MnistData.Classes).to(ScalarType.Float32);

    /// <summary>The one-hot labels of some rows for a cVAE; null for a VAE.</summary>
    private Tensor? Condition(Tensor labels) => Conditional ? OneHot(labels) : null;

    public override void BeginEpoch(int epoch)
    {
        _model.train();
        _order = Subsets.EpochOrder(_data.TrainCount, _seed, epoch);
        _random.Reseed(_seed, Seeds.Of(Role), epoch); // ε of the reparameterisation, repeatable on resume
    }

    public override IReadOnlyList<StepValue> Step(int epoch, int step)
    {
        var (x, labels) = _data.Batch(_order, step, _batchSize);
        var y = Condition(labels);
        _optimizer.zero_grad();
        var (mu, logVar) = _model.Encode(x, y);
        var parts = VaeLoss.Compute(_model.DecodeLogits(VaeLoss.Sample(mu, logVar, _random), y), x, mu, logVar, _beta);
        parts.Loss.backward();
        _optimizer.step();
        return
        [
            new StepValue("train_loss", parts.Loss.item<float>()),
            new StepValue("elbo", parts.Elbo.item<float>()),
            new StepValue("recon", parts.Reconstruction.item<float>()),
            new StepValue("kl", parts.Kl.item<float>()),
        ];
    }

    /// <summary>Paused or single-stepped: samples from the prior through the decoder as it is now.</summary>
    public override void Preview(long globalStep, RunContext context)
    {
        _model.eval();
        _samples.Preview(context, globalStep, (z, labels) => _model.Decode(z, labels is null ? null : OneHot(labels)));
        _model.train();
    }

    public override void EndEpoch(int epoch, long globalStep, RunContext context)
    {
        var test = Evaluate(_data.TestX, _data.TestY);
        context.Metrics(globalStep,
            ($"{Role}/test_elbo", test.Elbo), ($"{Role}/test_recon", test.Recon), ($"{Role}/test_kl", test.Kl),
            ($"{Role}/active_units", test.ActiveUnits));

        _samples.Store(context, epoch, globalStep, (z, labels) => _model.Decode(z, labels is null ? null : OneHot(labels)));
        if (_model.Latent == 2 && !Conditional)
            context.Artifact($"manifold-e{epoch + 1:000}.png", "image/png", globalStep, "manifold", Manifold(null));
        if (Conditional)
            context.Artifact($"style-e{epoch + 1:000}.png", "image/png", globalStep, "style", StyleTransfer());
        context.Log($"{Role}: epoch {epoch + 1} test ELBO {test.Elbo:0.0} nats (reconstruction {test.Recon:0.0}, KL {test.Kl:0.00}), " +
                    $"{test.ActiveUnits} of {_model.Latent} latent units active.");
    }

    public override void Complete(long globalStep, RunContext context)
    {
        var test = Evaluate(_data.TestX, _data.TestY);
        var s = context.Summary;
        s["test.elbo"] = test.Elbo;
        s["test.recon"] = test.Recon;
        s["test.kl"] = test.Kl;
        s["active_units"] = test.ActiveUnits;
        s[$"{Role}.params"] = _model.ParameterCount();
        using (torch.no_grad())
        {
            _model.eval();
            var (mu, _) = _model.Encode(_data.TestX, Condition(_data.TestY));
            using (mu) Analysis.LatentScatter.Store(context, mu, [.. _data.Mnist.GatherLabels(_data.TestIndices).Select(l => (int)l)], globalStep);
        }
        if (Conditional && _model.Latent == 2)
            for (var digit = 0; digit < MnistData.Classes; digit++)
                context.Artifact($"manifold-digit{digit}.png", "image/png", digit, "manifold-by-label", Manifold(digit));
        context.Artifact("kl-per-dimension.json", "application/json", globalStep, "kl",
            JsonSerializer.SerializeToUtf8Bytes(new { klPerDimension = test.KlPerDimension, activity = test.Activity }, VinulaJson.Options));
    }

    /// <summary>ELBO terms on a split (β = 1, through sampled z, in nats per image), KL per dimension, and each
    /// unit's activity Cov_x(E_q[z_u]).</summary>
    private (double Elbo, double Recon, double Kl, int ActiveUnits, double[] KlPerDimension, double[] Activity) Evaluate(Tensor x, Tensor labels)
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        _model.eval();
        // The same ε for every evaluation: the result depends on the weights only, so a finished phase restored on
        // resume reports what it reported before. The next epoch reseeds the generator before its first step.
        _random.Reseed(_seed, Seeds.Of(Role), Seeds.Of("evaluation"));
        double recon = 0;
        var klPerDim = zeros(_model.Latent, dtype: ScalarType.Float64);
        var means = new List<Tensor>();
        foreach (var (start, length) in EvaluationChunks.Of(x.shape[0]))
        {
            var chunk = x.narrow(0, start, length);
            var y = Condition(labels.narrow(0, start, chunk.shape[0]));
            var (mu, logVar) = _model.Encode(chunk, y);
            var logits = _model.DecodeLogits(VaeLoss.Sample(mu, logVar, _random), y);
            recon += nn.functional.binary_cross_entropy_with_logits(logits, chunk, reduction: nn.Reduction.Sum).to(ScalarType.Float64).item<double>();
            // dim: named: a literal 0 would convert to ScalarType and pick sum(ScalarType), a sum over everything.
            klPerDim += VaeLoss.KlToStandardNormal(mu, logVar).sum(dim: 0).to(ScalarType.Float64);
            means.Add(mu);
        }
        var n = (double)x.shape[0];
        var klDims = (klPerDim / n).data<double>().ToArray();
        var activity = torch.cat(means, 0).to(ScalarType.Float64).var(dim: 0).data<double>().ToArray();
        var kl = klDims.Sum();
        return (-(recon / n + kl), recon / n, kl, activity.Count(a => a > ActiveThreshold), klDims, activity);
    }

    /// <summary>Decodes z on a grid of Φ⁻¹((i + ½)/n) per axis, so equal areas of the prior get equal space; for a
    /// cVAE with the given digit as the condition.</summary>
    private byte[] Manifold(int? digit)
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var quantiles = (arange(ManifoldSide, dtype: ScalarType.Float32) + 0.5f) / ManifoldSide;
        var axis = special.erfinv(quantiles * 2 - 1) * MathF.Sqrt(2);
        // Row-major image grid: z₁ grows left to right along a row, z₂ grows bottom to top.
        var z1 = axis.repeat(ManifoldSide);
        var z2 = axis.flip(0).repeat_interleave(ManifoldSide);
        var z = stack([z1, z2], 1).to(_data.TrainX.device);
        var images = _model.Decode(z, digit is { } d ? OneHot(full([ManifoldSide * ManifoldSide], d, dtype: ScalarType.Int64)).to(z.device) : null);
        return Png.Grid(images.ToFloats(), ManifoldSide * ManifoldSide, ManifoldSide, MnistData.Side, MnistData.Side, scale: 1, padding: 0);
    }

    /// <summary>
    /// The lecture's "seed label" grid: the first test digit of each class (rows) is encoded with its own label,
    /// and its z decoded with every label 0–9 (columns): the style stays, the digit changes.
    /// </summary>
    private byte[] StyleTransfer()
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        _model.eval();
        var rows = Enumerable.Range(0, MnistData.Classes)
            .Select(d => (long)Array.FindIndex(_data.TestIndices, i => _data.Mnist.Labels[i] == d)).Where(r => r >= 0).ToArray();
        var index = tensor(rows, ScalarType.Int64).to(_data.TestX.device);
        var x = _data.TestX.index_select(0, index);
        var (mu, _) = _model.Encode(x, OneHot(_data.TestY.index_select(0, index)));
        var z = mu.repeat_interleave(MnistData.Classes, 0);
        var labels = OneHot(arange(MnistData.Classes, dtype: ScalarType.Int64).repeat(rows.Length)).to(z.device);
        var images = _model.Decode(z, labels);
        // Column 0: the original digit; then its style with every label.
        var grid = cat([x.unsqueeze(1), images.view(rows.Length, MnistData.Classes, -1)], 1).reshape(-1, MnistData.Pixels);
        return Png.Grid(grid.ToFloats(), rows.Length * (MnistData.Classes + 1), MnistData.Classes + 1, MnistData.Side, MnistData.Side, scale: 1);
    }

    public override void Save(BinaryWriter writer) => SaveState(writer, _model, _optimizer);

    public override void Load(BinaryReader reader) => LoadState(reader, _model, _optimizer);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _optimizer.Dispose();
            _random.Dispose();
            _samples.Dispose();
        }
    }
}
