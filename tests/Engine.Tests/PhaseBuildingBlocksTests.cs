using Vinula.Engine.Experiments;
using Vinula.Engine.Training;
using static TorchSharp.torch;

namespace Vinula.Engine.Tests;

public class PhaseBuildingBlocksTests
{
    public PhaseBuildingBlocksTests() => TestData.InitTorch();

    [Fact]
    public void FrozenRestoresEachParametersOwnFlagEvenWhenTheStepThrows()
    {
        using var model = new Models.Mlp(4, [3], 2);
        var parameters = model.parameters().ToArray();
        parameters[0].requires_grad = false; // frozen before: must stay frozen after

        Action failingStep = () =>
        {
            using var frozen = new Frozen(model);
            Assert.All(parameters, p => Assert.False(p.requires_grad));
            throw new InvalidOperationException("a failing step");
        };
        Assert.Throws<InvalidOperationException>(failingStep);

        Assert.Equal([false, true, true, true], parameters.Select(p => p.requires_grad));
    }

    [Fact]
    public void AConditionalModelsFixedSamplesRepeatTenNoiseVectorsInARowPerDigit()
    {
        using var scope = NewDisposeScope();
        using var samples = new FixedSamples(latent: 3, conditional: true, seed: 1, stream: "fixed-noise", CPU);
        Assert.Equal([100L, 3], samples.Noise.shape);
        Assert.True(samples.Noise.narrow(0, 0, 10).equal(samples.Noise.narrow(0, 90, 10)).all().item<bool>());
        Assert.Equal(Enumerable.Range(0, 10).SelectMany(d => Enumerable.Repeat((long)d, 10)), samples.Labels!.data<long>().ToArray());
        using var again = new FixedSamples(3, true, 1, "fixed-noise", CPU);
        Assert.True(samples.Noise.equal(again.Noise).all().item<bool>()); // the same noise every time the run starts
    }
}
