using TorchSharp;
using Vinula.Engine.Data;
using Vinula.Engine.Models;
using Vinula.Engine.Training;
using Vinula.Shared.Artifacts;
using Vinula.Shared.Experiments;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Vinula.Engine.Experiments.TextGan;

/// <summary>What the three phases share: the models, the data, the run's context and its first global step.</summary>
public abstract class TextGanPhase(PhasePlan plan, TextGanRun run, long firstStep) : TrainingPhase(plan)
{
    protected TextGanRun Run { get; } = run;
    protected TextGanConfig Config => Run.Config;
    protected LstmGenerator G => Run.Generator;
    protected TextCnnDiscriminator D => Run.Discriminator;
    protected TextGanData Data => Run.Data;
    protected int[] Order = [];
    protected torch.Generator Random { get; } = Seeds.Generator(run.Context.Device, run.Config.Seed, Seeds.Of(plan.Role));

    public override void BeginEpoch(int epoch)
    {
        G.train();
        D.train();
        Order = Subsets.EpochOrder(Data.TrainCount, Config.Seed, epoch);
        Random.Reseed(Config.Seed, Seeds.Of(Role), epoch);
    }

    protected Tensor SampleBatch(int count, double temperature = 1.0) =>
        Sequences.Sample(G, count, Data.Length, temperature, Random, Run.Context.Device);

    /// <summary>Every <c>sampleEvery</c> steps a few decoded samples go out live.</summary>
    protected void MaybePublish(int epoch, int step)
    {
        var global = firstStep + (long)epoch * Plan.StepsPerEpoch + step + 1;
        if (global % Config.SampleEvery == 0) Run.PublishSamples(Role, global, store: false);
    }

    /// <summary>Validation sentences scored at each epoch's end: the first 2,000 (all 11,000 of Brown's took ~15 s an
    /// epoch on 2 cores); the final test NLL uses the whole test split.</summary>
    private const int ValidationSentences = 2000;

    public override void EndEpoch(int epoch, long globalStep, RunContext context)
    {
        var n = Math.Min(ValidationSentences, Data.ValidationInput.shape[0]);
        context.Metric("g/val_nll", globalStep, Sequences.SplitNll(G, Data.ValidationInput.narrow(0, 0, n), Data.ValidationTarget.narrow(0, 0, n)));
        Run.PublishSamples(Role, globalStep, store: true);
    }

    /// <summary>(1) Update D: real sentences against generated ones (constants: no gradient reaches G).</summary>
    internal (Tensor Loss, Tensor Accuracy) UpdateDiscriminator(Tensor real, Tensor fake, optim.Optimizer optimizer)
    {
        var logits = D.forward(cat([real, fake], 0));
        var labels = cat([ones(real.shape[0], device: real.device), zeros(fake.shape[0], device: real.device)], 0);
        var loss = F.binary_cross_entropy_with_logits(logits, labels);
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
        var accuracy = logits.gt(0).to(ScalarType.Float32).eq(labels).to(ScalarType.Float32).mean();
        return (loss, accuracy);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Random.Dispose();
    }
}

/// <summary>Maximum-likelihood pretraining of G with teacher forcing: cross-entropy of the next token.</summary>
public sealed class MlePhase : TextGanPhase
{
    private readonly optim.Optimizer _optimizer;

    public MlePhase(PhasePlan plan, TextGanRun run, long firstStep) : base(plan, run, firstStep) =>
        _optimizer = Optimizers.Adam(G.parameters(), Config);

    public override IReadOnlyList<StepValue> Step(int epoch, int step)
    {
        var (input, target) = Data.Batch(Order, step, Config.BatchSize);
        var loss = Train(input, target);
        MaybePublish(epoch, step);
        return [new("g/nll", loss.item<float>())];
    }

    internal Tensor Train(Tensor input, Tensor target)
    {
        var loss = Sequences.Nll(G, input, target);
        _optimizer.zero_grad();
        loss.backward();
        nn.utils.clip_grad_norm_(G.parameters(), 5.0);
        _optimizer.step();
        return loss;
    }

    /// <summary>The MLE generator's scores, kept by the run to compare with the adversarial one.</summary>
    public override void Complete(long globalStep, RunContext context) => Run.ScoreMle(globalStep);

    public override void Save(BinaryWriter writer) => SaveState(writer, G, (TorchSharp.Modules.OptimizerHelper)_optimizer);
    public override void Load(BinaryReader reader) => LoadState(reader, G, (TorchSharp.Modules.OptimizerHelper)_optimizer);

    protected override void Dispose(bool disposing)
    {
        if (disposing) _optimizer.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>D alone, on real sentences against samples of the pretrained G (SeqGAN's discriminator pretraining).</summary>
public sealed class DiscriminatorPhase : TextGanPhase
{
    private readonly optim.Optimizer _optimizer;

    public DiscriminatorPhase(PhasePlan plan, TextGanRun run, long firstStep) : base(plan, run, firstStep) =>
        _optimizer = Optimizers.Adam(D.parameters(), Config, Optimizers.AdversarialBeta1);

    public override IReadOnlyList<StepValue> Step(int epoch, int step)
    {
        var (_, real) = Data.Batch(Order, step, Config.BatchSize);
        var (loss, accuracy) = UpdateDiscriminator(real, SampleBatch((int)real.shape[0]), _optimizer);
        return [new("d/loss", loss.item<float>()), new("d/accuracy", accuracy.item<float>())];
    }

    public override void Save(BinaryWriter writer) => SaveState(writer, D, (TorchSharp.Modules.OptimizerHelper)_optimizer);
    public override void Load(BinaryReader reader) => LoadState(reader, D, (TorchSharp.Modules.OptimizerHelper)_optimizer);

    protected override void Dispose(bool disposing)
    {
        if (disposing) _optimizer.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>
/// The adversarial phase (SeqGAN, Yu et al. 2017, algorithm 1): (2) sample a batch from G, reward each token by
/// rollouts scored by D, take a REINFORCE step on G; (1) then one D step on a real batch against those samples.
/// </summary>
public sealed class AdversarialPhase : TextGanPhase
{
    private readonly optim.Optimizer _optimizerG;
    private readonly optim.Optimizer _optimizerD;

    public AdversarialPhase(PhasePlan plan, TextGanRun run, long firstStep) : base(plan, run, firstStep)
    {
        _optimizerG = optim.Adam(G.parameters(), Config.AdversarialLearningRate);
        _optimizerD = Optimizers.Adam(D.parameters(), Config, Optimizers.AdversarialBeta1);
    }

    public override IReadOnlyList<StepValue> Step(int epoch, int step)
    {
        var (input, real) = Data.Batch(Order, step, Config.BatchSize);
        var fake = SampleBatch((int)real.shape[0]);
        var rewards = Sequences.Rewards(G, D, fake, Config.Rollouts, Random);
        var pgLoss = UpdateGenerator(fake, rewards);
        var (dLoss, accuracy) = UpdateDiscriminator(real, fake, _optimizerD);
        float nll;
        using (no_grad()) nll = Sequences.Nll(G, input, real).item<float>();
        MaybePublish(epoch, step);
        return
        [
            new("g/pg_loss", pgLoss.item<float>()),
            new("g/reward", rewards.select(1, rewards.shape[1] - 1).mean().item<float>()),
            new("g/nll", nll),
            new("d/loss", dLoss.item<float>()),
            new("d/accuracy", accuracy.item<float>()),
        ];
    }

    /// <summary>(2) One REINFORCE step on G with the given per-token rewards; D is not involved in the gradient.</summary>
    internal Tensor UpdateGenerator(Tensor tokens, Tensor rewards)
    {
        var loss = Sequences.PolicyGradientLoss(G.forward(Sequences.InputsOf(tokens)), tokens, rewards, Sequences.Mask(tokens));
        _optimizerG.zero_grad();
        loss.backward();
        nn.utils.clip_grad_norm_(G.parameters(), 5.0);
        _optimizerG.step();
        return loss;
    }

    public override void Complete(long globalStep, RunContext context) => Run.ScoreAdversarial(globalStep);

    public override void Save(BinaryWriter writer)
    {
        SaveState(writer, G, (TorchSharp.Modules.OptimizerHelper)_optimizerG);
        SaveState(writer, D, (TorchSharp.Modules.OptimizerHelper)_optimizerD);
    }

    public override void Load(BinaryReader reader)
    {
        LoadState(reader, G, (TorchSharp.Modules.OptimizerHelper)_optimizerG);
        LoadState(reader, D, (TorchSharp.Modules.OptimizerHelper)_optimizerD);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _optimizerG.Dispose();
            _optimizerD.Dispose();
        }
        base.Dispose(disposing);
    }
}
