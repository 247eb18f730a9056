using Vinula.Engine.Losses;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Vinula.Engine.Tests;

public class DistillationLossTests
{
    public DistillationLossTests() => TestData.InitTorch();

    private static Tensor Logits(int batch, int classes, int seed, double scale = 3)
    {
        var g = new TorchSharp.torch.Generator((ulong)seed);
        return randn([batch, classes], dtype: ScalarType.Float64, generator: g).mul(scale);
    }

    [Fact]
    public void SoftTermIsZeroWhenStudentLogitsEqualTeacherLogits()
    {
        using var scope = NewDisposeScope();
        var v = Logits(8, 10, 1);
        var y = randint(0, 10, [8], dtype: ScalarType.Int64);
        var parts = DistillationLoss.SoftKl(v.clone(), v, y, temperature: 4, alpha: 0.9);
        Assert.Equal(0, parts.Soft.item<double>(), 12);
    }

    [Theory]
    [InlineData(1.0, 0.5)]
    [InlineData(4.0, 0.9)]
    [InlineData(20.0, 1.0)]
    public void SoftKlGradientIsAlphaTTimesQMinusPPlusHardTerm(double t, double alpha)
    {
        using var scope = NewDisposeScope();
        const int batch = 6, classes = 10;
        var z = Logits(batch, classes, 2).requires_grad_();
        var v = Logits(batch, classes, 3);
        var y = tensor(new long[] { 0, 3, 9, 1, 1, 7 });

        DistillationLoss.SoftKl(z, v, y, t, alpha).Total.backward();

        // PRODUCT.md: per example α·T·(q_T − p_T) + (1−α)·(q_1 − y), divided by B under the batch mean.
        var qT = F.softmax(z.detach() / t, -1);
        var pT = F.softmax(v / t, -1);
        var q1 = F.softmax(z.detach(), -1);
        var onehot = F.one_hot(y, classes).to(ScalarType.Float64);
        var expected = ((qT - pT) * (alpha * t) + (q1 - onehot) * (1 - alpha)) / batch;
        Assert.True(z.grad!.allclose(expected, rtol: 1e-10, atol: 1e-12), $"max diff {(z.grad! - expected).abs().max().item<double>()}");
    }

    [Fact]
    public void AlphaZeroReducesToPlainCrossEntropy()
    {
        using var scope = NewDisposeScope();
        var z = Logits(5, 10, 4);
        var v = Logits(5, 10, 5);
        var y = tensor(new long[] { 1, 2, 3, 4, 5 });
        var ce = F.cross_entropy(z, y).item<double>();
        Assert.Equal(ce, DistillationLoss.SoftKl(z, v, y, 7, alpha: 0).Total.item<double>(), 12);
        Assert.Equal(ce, DistillationLoss.LogitMse(z, v, y, alpha: 0).Total.item<double>(), 12);
    }

    [Fact]
    public void LogitMseMatchesItsFormulaOnCentredLogits()
    {
        using var scope = NewDisposeScope();
        var z = Logits(4, 10, 6);
        var v = Logits(4, 10, 7).add(5); // an offset the centring must remove
        var y = tensor(new long[] { 0, 1, 2, 3 });
        const double alpha = 0.7;

        var zs = z.data<double>().ToArray();
        var vs = v.data<double>().ToArray();
        double soft = 0;
        for (var b = 0; b < 4; b++)
        {
            var zRow = zs.AsSpan(b * 10, 10).ToArray();
            var vRow = vs.AsSpan(b * 10, 10).ToArray();
            double zMean = zRow.Average(), vMean = vRow.Average();
            soft += zRow.Zip(vRow, (zi, vi) => Math.Pow(zi - zMean - (vi - vMean), 2)).Sum() / (2 * 10);
        }
        soft /= 4;
        var expected = alpha * soft + (1 - alpha) * F.cross_entropy(z, y).item<double>();

        Assert.Equal(expected, DistillationLoss.LogitMse(z, v, y, alpha).Total.item<double>(), 10);
    }

    [Fact]
    public void LogitMseIsBlindToAConstantShiftOfEitherModelsLogits()
    {
        using var scope = NewDisposeScope();
        var z = Logits(3, 10, 8);
        var v = Logits(3, 10, 9);
        var y = tensor(new long[] { 0, 1, 2 });
        var a = DistillationLoss.LogitMse(z, v, y, 1).Soft.item<double>();
        var b = DistillationLoss.LogitMse(z + 3, v - 11, y, 1).Soft.item<double>();
        Assert.Equal(a, b, 10);
    }
}
