using System.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using Vinula.Engine.Data;
using Vinula.Engine.Experiments.Gan;
using Vinula.Engine.Experiments.TextDistill;
using Vinula.Engine.Losses;
using Vinula.Engine.Models;
using Vinula.Engine.Training;
using Vinula.Shared.Experiments;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace Vinula.Benchmarks;

/// <summary>MLP 784-1200-1200-10 (the engine's <see cref="Mlp"/>, no dropout), cross-entropy, Adam 1e-3, batch 128:
/// the distill experiment's <see cref="ClassifierPhase"/> as the teacher uses it, without jitter.</summary>
public sealed class MlpReference : ReferenceModel
{
    public override string Name => "mlp";
    public override int Batch => 128;

    private static Mlp Model() => new(MnistData.Pixels, [1200, 1200], MnistData.Classes);

    public override OwningPhase EnginePhase(EngineData data)
    {
        var model = Model();
        return new OwningPhase(new ClassifierPhase(Plan(this, data.Classifier.StepsPerEpoch(Batch)), model, data.Classifier,
            ClassifierObjective.CrossEntropy, new StepConfig { BatchSize = Batch, LearningRate = 1e-3, Seed = Seed }, Seed), [model]);
    }

    public override BareStep Bare()
    {
        var model = Model();
        var optimizer = new Vinula.Engine.Training.Adam(model.parameters(), 1e-3, 0.9);
        var x = rand(Batch, MnistData.Pixels);
        var y = randint(0, MnistData.Classes, [Batch], dtype: ScalarType.Int64);
        model.train();
        return new BareStep(() =>
        {
            optimizer.zero_grad();
            var loss = F.cross_entropy(model.forward(x), y);
            loss.backward();
            optimizer.step();
            return loss.item<float>();
        }, optimizer, model, x, y);
    }

    /// <summary>One step's multiply-adds ×2 for forward, input gradients and weight gradients: 6·B·Σ(in·out).</summary>
    public double StepFlops => 6.0 * Batch * (784.0 * 1200 + 1200.0 * 1200 + 1200.0 * 10);

    internal static PhasePlan Plan(ReferenceModel model, int stepsPerEpoch) => new(model.Name, 100_000, stepsPerEpoch);
}

/// <summary>
/// A small standard convolutional VAE (the engine's VAE is dense): encoder 4×4 convolutions of stride 2 to 32 and 64
/// maps (28 → 14 → 7), ReLU, linear layers to μ and log σ² of a 16-dimensional latent; decoder linear to 64×7×7, ReLU,
/// transposed convolutions back to 32 maps and to 1 (logits). Bernoulli likelihood, Kingma &amp; Welling 2014
/// (<see cref="VaeLoss"/>), Adam 1e-3, batch 128. The same in <c>pytorch/reference_models.py</c>.
/// </summary>
public sealed class ConvVae : Module<Tensor, Tensor>
{
    public const int Latent = 16;
    private readonly Sequential encoder;
    private readonly Linear mu;
    private readonly Linear logVar;
    private readonly Linear project;
    private readonly Sequential decoder;

    public ConvVae() : base(nameof(ConvVae))
    {
        encoder = Sequential(
            ("conv0", Conv2d(1, 32, 4, stride: 2, padding: 1)), ("relu0", ReLU()),
            ("conv1", Conv2d(32, 64, 4, stride: 2, padding: 1)), ("relu1", ReLU()),
            ("flatten", Flatten()));
        mu = Linear(64 * 7 * 7, Latent);
        logVar = Linear(64 * 7 * 7, Latent);
        project = Linear(Latent, 64 * 7 * 7);
        decoder = Sequential(
            ("relu0", ReLU()),
            ("deconv0", ConvTranspose2d(64, 32, 4, stride: 2, padding: 1)), ("relu1", ReLU()),
            ("deconv1", ConvTranspose2d(32, 1, 4, stride: 2, padding: 1)));
        RegisterComponents();
    }

    public (Tensor Mu, Tensor LogVar) Encode(Tensor x)
    {
        var h = encoder.forward(x.view(-1, 1, MnistData.Side, MnistData.Side));
        return (mu.forward(h), logVar.forward(h));
    }

    /// <summary>Pixel logits [B, 784].</summary>
    public Tensor DecodeLogits(Tensor z) => decoder.forward(project.forward(z).view(-1, 64, 7, 7)).flatten(1);

    public override Tensor forward(Tensor x) => F.sigmoid(DecodeLogits(Encode(x).Mu));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            foreach (var m in new Module[] { encoder, mu, logVar, project, decoder }) m.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>The conv VAE, and its engine phase: <see cref="Vinula.Engine.Experiments.Vae.VaePhase"/>'s step line for
/// line (that phase takes only the dense <see cref="Vinula.Engine.Models.Vae"/>), with its epoch-end work left out.</summary>
public sealed class ConvVaeReference : ReferenceModel
{
    public override string Name => "vae";
    public override int Batch => 128;

    public override OwningPhase EnginePhase(EngineData data) =>
        new OwningPhase(new ConvVaePhase(MlpReference.Plan(this, data.Classifier.StepsPerEpoch(Batch)), new ConvVae(), data.Classifier, Batch), []);

    public override BareStep Bare()
    {
        var model = new ConvVae();
        var optimizer = new Vinula.Engine.Training.Adam(model.parameters(), 1e-3, 0.9);
        var x = rand(Batch, MnistData.Pixels);
        model.train();
        return new BareStep(() =>
        {
            optimizer.zero_grad();
            var (mu, logVar) = model.Encode(x);
            var z = mu + (logVar * 0.5).exp() * randn_like(mu);
            var loss = VaeLoss.Compute(model.DecodeLogits(z), x, mu, logVar, 1).Loss;
            loss.backward();
            optimizer.step();
            return loss.item<float>();
        }, optimizer, model, x);
    }

    private sealed class ConvVaePhase(PhasePlan plan, ConvVae model, ClassifierData data, int batchSize) : TrainingPhase(plan)
    {
        private readonly TorchSharp.Modules.Adam _optimizer = Optimizers.Adam(model.parameters(), new StepConfig { LearningRate = 1e-3 });
        private readonly torch.Generator _random = Seeds.Generator(data.TrainX.device, Seed, Seeds.Of(plan.Role));
        private int[] _order = [];

        public override void BeginEpoch(int epoch)
        {
            model.train();
            _order = Subsets.EpochOrder(data.TrainCount, Seed, epoch);
            _random.Reseed(Seed, Seeds.Of(Role), epoch);
        }

        public override IReadOnlyList<StepValue> Step(int epoch, int step)
        {
            var (x, _) = data.Batch(_order, step, batchSize);
            _optimizer.zero_grad();
            var (mu, logVar) = model.Encode(x);
            var parts = VaeLoss.Compute(model.DecodeLogits(VaeLoss.Sample(mu, logVar, _random)), x, mu, logVar, 1);
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

        public override void EndEpoch(int epoch, long globalStep, RunContext context) { }

        public override void Save(BinaryWriter writer) { }

        public override void Load(BinaryReader reader) { }

        protected override void Dispose(bool disposing)
        {
            if (!disposing) return;
            _optimizer.Dispose();
            _random.Dispose();
            model.Dispose();
        }
    }
}

/// <summary>
/// DCGAN-style G + D (the engine's <see cref="ConvGenerator"/> and <see cref="ConvDiscriminator"/>), latent 64, batch
/// 64, Adam 2e-4 with β₁ 0.5: (1) one D step on a real batch and detached fakes (real target 0.9), (2) one G step
/// through a frozen D. The engine's <see cref="GanPhase"/> also shifts D's inputs by up to 2 pixels (its
/// differentiable augmentation); the bare step and PyTorch do not, so that cost shows in engine/bare.
/// </summary>
public sealed class DcganReference : ReferenceModel
{
    public const int Latent = 64;
    public override string Name => "dcgan";
    public override int Batch => 64;

    public override OwningPhase EnginePhase(EngineData data)
    {
        var (g, d) = (new ConvGenerator(Latent), new ConvDiscriminator(MnistData.Side));
        var config = new GanConfig { Architecture = GanArchitecture.Conv, LatentDim = Latent, BatchSize = Batch, Seed = Seed };
        return new OwningPhase(new GanPhase(MlpReference.Plan(this, data.Classifier.StepsPerEpoch(Batch)), g, d, config, false, data.Classifier), [g, d]);
    }

    public override BareStep Bare()
    {
        var (g, d) = (new ConvGenerator(Latent), new ConvDiscriminator(MnistData.Side));
        var optimizerG = new Vinula.Engine.Training.Adam(g.parameters(), 2e-4, 0.5);
        var optimizerD = new Vinula.Engine.Training.Adam(d.parameters(), 2e-4, 0.5);
        var real = rand(Batch, MnistData.Pixels);
        g.train();
        d.train();
        return new BareStep(() =>
        {
            var fake = g.forward(randn(Batch, Latent)).detach();
            var dLoss = GanLoss.Discriminator(d.forward(real), d.forward(fake), 0.9);
            optimizerD.zero_grad();
            dLoss.backward();
            optimizerD.step();

            using (new Frozen(d))
            {
                var gLoss = GanLoss.Generator(d.forward(g.forward(randn(Batch, Latent))));
                optimizerG.zero_grad();
                gLoss.backward();
                optimizerG.step();
            }
            return dLoss.item<float>();
        }, optimizerG, optimizerD, g, d, real);
    }
}

/// <summary>
/// The text-distill experiment's <see cref="MaskedLanguageModel"/> (pre-LN, GELU, ALiBi, tied output): 2 layers,
/// d_model 128, 4 heads, feed-forward 512, dropout 0.1, sequences of 64 tokens, a 1,000-word vocabulary, batch 32,
/// BERT's masking at 15 % and cross-entropy at the masked positions only; TorchSharp's own Adam 1e-3 as
/// <see cref="TextModelPhase"/> uses. The engine side is <see cref="MlmPhase"/> on <see cref="MlmData"/> (dynamic
/// masking every batch); the bare step reuses one masked batch.
/// </summary>
public sealed class TransformerReference : ReferenceModel
{
    public const int Vocabulary = 1000;
    public const int Tokens = 64;
    private const double MaskProbability = 0.15;
    public override string Name => "transformer";
    public override int Batch => 32;

    private static MaskedLanguageModel Model() => new(Vocabulary, Tokens, 128, 4, 512, 2, 0.1);

    public override OwningPhase EnginePhase(EngineData data)
    {
        var mlm = new MlmData(data.Brown, Tokens, Vocabulary, null, MaskProbability, Seed);
        var model = Model();
        var plan = MlmReference(mlm);
        return new OwningPhase(new MlmPhase(plan, model, mlm, MlmPhase.MaskedLm(model), 1e-3, Batch, 1, MaskProbability, Seed, Name), [model, mlm]);
    }

    private PhasePlan MlmReference(MlmData mlm) => MlpReference.Plan(this, MlmPhase.StepsPerEpoch(mlm, Batch, 1));

    public override BareStep Bare()
    {
        var model = Model();
        var optimizer = optim.Adam(model.parameters(), 1e-3);
        var ids = randint(5, Vocabulary, [Batch, Tokens], dtype: ScalarType.Int64);
        using var random = Seeds.Generator(Seed);
        var (input, targets) = DynamicMasking.Apply(ids, MaskProbability, Vocabulary, random);
        var objective = MlmPhase.MaskedLm(model);
        model.train();
        return new BareStep(() =>
        {
            optimizer.zero_grad();
            var loss = objective(input, targets, ids).Terms.Loss;
            loss.backward();
            optimizer.step();
            return loss.item<float>();
        }, optimizer, model, ids, input, targets);
    }
}
