using TorchSharp;
using Vinula.Engine.Models;
using Vinula.Engine.Text;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Vinula.Engine.Experiments.TextGan;

/// <summary>
/// Sampling, Monte Carlo rollouts and the policy-gradient loss of SeqGAN (Yu et al. 2017, §3): the generator is a
/// policy over the next token, a finished sentence gets D's probability of being real as its reward, and a prefix
/// Y₁..t gets Q_t, the mean reward of <c>rollouts</c> completions sampled from the generator (eq. 4).
/// Sequences are token ids [B, L]; after &lt;eos&gt; they hold &lt;pad&gt;.
/// </summary>
public static class Sequences
{
    private const float Never = -1e9f;

    /// <summary>Logit offsets that keep &lt;pad&gt;, &lt;bos&gt; and &lt;mask&gt; from ever being sampled.</summary>
    private static Tensor Forbidden(long vocabulary, Device device)
    {
        var offsets = new float[vocabulary];
        offsets[Vocabulary.Pad] = offsets[Vocabulary.Begin] = Never;
        if (vocabulary > Vocabulary.Mask) offsets[Vocabulary.Mask] = Never;
        return tensor(offsets, device: device);
    }

    /// <summary>One token per row from softmax(logits / T); rows already finished get &lt;pad&gt;.</summary>
    private static Tensor Draw(Tensor logits, Tensor forbidden, double temperature, Tensor finished, torch.Generator random)
    {
        using var scope = NewDisposeScope();
        var probabilities = F.softmax((logits + forbidden) / temperature, 1);
        var token = multinomial(probabilities, 1, false, random).squeeze(1);
        return where(finished, zeros_like(token), token).MoveToOuterDisposeScope();
    }

    /// <summary><paramref name="count"/> sentences of length <paramref name="length"/> sampled from the generator at a temperature.</summary>
    public static Tensor Sample(LstmGenerator generator, int count, int length, double temperature, torch.Generator random, Device device)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var logitsAndState = generator.Step(full(count, (long)Vocabulary.Begin, device: device), null);
        var forbidden = Forbidden(logitsAndState.Logits.shape[1], device);
        return Continue(generator, logitsAndState.Logits, logitsAndState.State, empty(count, 0, ScalarType.Int64, device: device),
            length, temperature, forbidden, random).MoveToOuterDisposeScope();
    }

    /// <summary>Appends tokens to <paramref name="prefix"/> until it is <paramref name="length"/> long, starting from
    /// the logits and state after the prefix.</summary>
    private static Tensor Continue(LstmGenerator generator, Tensor logits, (Tensor H, Tensor C) state, Tensor prefix, int length,
        double temperature, Tensor forbidden, torch.Generator random)
    {
        var finished = prefix.shape[1] == 0 ? zeros(prefix.shape[0], ScalarType.Bool, device: prefix.device) : prefix.eq(Vocabulary.End).any(1);
        var tokens = new List<Tensor> { prefix };
        for (var t = (int)prefix.shape[1]; t < length; t++)
        {
            var token = Draw(logits, forbidden, temperature, finished, random);
            tokens.Add(token.unsqueeze(1));
            finished = finished.logical_or(token.eq(Vocabulary.End));
            if (t + 1 < length) (logits, state) = generator.Step(token, state);
        }
        return cat(tokens, 1);
    }

    /// <summary>Generator inputs for sequences: &lt;bos&gt; then the tokens shifted right by one.</summary>
    public static Tensor InputsOf(Tensor tokens) =>
        cat([full(tokens.shape[0], 1, (long)Vocabulary.Begin, device: tokens.device), tokens.narrow(1, 0, tokens.shape[1] - 1)], 1);

    /// <summary>1 for the tokens a sentence really emitted (up to and including its first &lt;eos&gt;), 0 after.</summary>
    public static Tensor Mask(Tensor tokens)
    {
        var end = tokens.eq(Vocabulary.End).to(ScalarType.Int64);
        return (end.cumsum(1) - end).eq(0).to(ScalarType.Float32);
    }

    /// <summary>
    /// Q [B, L]: the reward of each token. With <paramref name="rollouts"/> = N &gt; 0 (SeqGAN eq. 4), Q_t for t &lt; L is
    /// the mean of D's probability over N completions of the prefix y₁..t sampled from the current generator at T = 1
    /// (SeqGAN rolls out with a delayed copy of G; here the current one), and Q_L = D(Y). With 0, every token gets D(Y).
    /// Under no_grad: rewards are constants for the gradient.
    /// </summary>
    public static Tensor Rewards(LstmGenerator generator, nn.Module<Tensor, Tensor> discriminator, Tensor tokens, int rollouts, torch.Generator random)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (count, length) = ((int)tokens.shape[0], (int)tokens.shape[1]);
        var whole = F.sigmoid(discriminator.forward(tokens));
        if (rollouts == 0)
            return whole.unsqueeze(1).expand(count, length).contiguous().MoveToOuterDisposeScope();

        var columns = new List<Tensor>();
        var (logits, state) = generator.Step(full(count, (long)Vocabulary.Begin, device: tokens.device), null);
        var forbidden = Forbidden(logits.shape[1], tokens.device);
        for (var t = 0; t < length - 1; t++)
        {
            (logits, state) = generator.Step(tokens.select(1, t), state); // now after the prefix y₀..t
            using var inner = NewDisposeScope();
            var prefix = tokens.narrow(1, 0, t + 1).repeat_interleave(rollouts, 0);
            var completed = Continue(generator, logits.repeat_interleave(rollouts, 0),
                (state.H.repeat_interleave(rollouts, 1), state.C.repeat_interleave(rollouts, 1)), prefix, length, 1.0, forbidden, random);
            columns.Add(F.sigmoid(discriminator.forward(completed)).view(count, rollouts).mean([1]).MoveToOuterDisposeScope());
        }
        columns.Add(whole);
        return stack(columns, 1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// REINFORCE (Williams 1992) as SeqGAN's eq. 7: −Σ_t log G(y_t | y_&lt;t) · (Q_t − b_t) over the emitted tokens,
    /// divided by their number. b_t, the baseline, is the batch mean of Q_t over the sentences still emitting at t:
    /// it leaves the gradient's expectation unchanged and cuts its variance.
    /// </summary>
    public static Tensor PolicyGradientLoss(Tensor logits, Tensor tokens, Tensor rewards, Tensor mask)
    {
        var logProbabilities = F.log_softmax(logits, 2).gather(2, tokens.unsqueeze(2)).squeeze(2);
        var baseline = (rewards * mask).sum([0], keepdim: true) / mask.sum([0], keepdim: true).clamp_min(1);
        var advantage = (rewards - baseline).detach();
        return -(logProbabilities * advantage * mask).sum() / mask.sum().clamp_min(1);
    }

    /// <summary>Teacher-forced negative log-likelihood in nats per target token (padding left out).</summary>
    public static Tensor Nll(LstmGenerator generator, Tensor input, Tensor target) =>
        F.cross_entropy(generator.forward(input).flatten(0, 1), target.flatten(), ignore_index: Vocabulary.Pad);

    /// <summary>Mean NLL per token over a whole split, in batches (no_grad).</summary>
    public static double SplitNll(LstmGenerator generator, Tensor input, Tensor target, int batchSize = 256)
    {
        using var _ = no_grad();
        double sum = 0;
        long tokens = 0;
        for (long start = 0; start < input.shape[0]; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var n = Math.Min(batchSize, input.shape[0] - start);
            var t = target.narrow(0, start, n);
            var count = t.ne(Vocabulary.Pad).sum().item<long>();
            sum += F.cross_entropy(generator.forward(input.narrow(0, start, n)).flatten(0, 1), t.flatten(), ignore_index: Vocabulary.Pad,
                reduction: nn.Reduction.Sum).item<float>();
            tokens += count;
        }
        return tokens == 0 ? double.NaN : sum / tokens;
    }

    /// <summary>Token lists of sampled sentences (without &lt;eos&gt; and padding).</summary>
    public static List<string[]> Decode(Tensor tokens, Vocabulary vocabulary)
    {
        var (count, length) = ((int)tokens.shape[0], (int)tokens.shape[1]);
        using var cpu = tokens.cpu();
        var ids = cpu.data<long>().ToArray();
        var sentences = new List<string[]>(count);
        for (var i = 0; i < count; i++)
        {
            var words = new List<string>();
            for (var t = 0; t < length; t++)
            {
                var id = (int)ids[i * length + t];
                if (id == Vocabulary.End || id == Vocabulary.Pad) break;
                words.Add(vocabulary[id]);
            }
            sentences.Add([.. words]);
        }
        return sentences;
    }
}
