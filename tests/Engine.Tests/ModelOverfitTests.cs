using TorchSharp;
using Vinula.Engine.Models;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Vinula.Engine.Tests;

/// <summary>A model that cannot memorise 32 examples cannot learn anything: the loss must fall far, not just run.</summary>
public class ModelOverfitTests
{
    public ModelOverfitTests() => TestData.InitTorch();

    [Theory]
    [InlineData(new[] { 64, 64 }, 0.0)]
    [InlineData(new[] { 32 }, 0.2)]
    [InlineData(new int[0], 0.0)]
    public void MlpOverfitsATinyBatch(int[] hidden, double dropout) =>
        AssertOverfits(() => new Mlp(784, hidden, 10, dropout));

    [Theory]
    [InlineData(new[] { 8, 16 }, new[] { 32 })]
    [InlineData(new[] { 8 }, new int[0])]
    public void CnnOverfitsATinyBatch(int[] channels, int[] hidden) =>
        AssertOverfits(() => new Cnn(28, channels, hidden, 10, dropout: 0.1));

    [Fact]
    public void CnnCountsItsParametersWithoutBeingBuilt()
    {
        using var model = new Cnn(28, [16, 32], [128], 10);
        Assert.Equal(Cnn.CountParameters(28, [16, 32], [128], 10), model.ParameterCount());
        Assert.Equal(1 * 16 * 25 + 16 + 16 * 32 * 25 + 32 + 32 * 7 * 7 * 128 + 128 + 128 * 10 + 10, model.ParameterCount());
    }

    private static void AssertOverfits(Func<nn.Module<Tensor, Tensor>> create)
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(3);
        using var model = create();
        var mnist = TestData.Datasets.Mnist;
        var rows = mnist.Train.Take(32).ToArray();
        var x = tensor(mnist.Gather(rows), [32, 784]);
        var y = tensor(mnist.GatherLabels(rows));
        using var optimizer = optim.Adam(model.parameters(), 1e-2);

        model.train();
        var first = F.cross_entropy(model.forward(x), y).item<float>();
        for (var i = 0; i < 150; i++)
        {
            using var step = NewDisposeScope();
            optimizer.zero_grad();
            F.cross_entropy(model.forward(x), y).backward();
            optimizer.step();
        }
        model.eval();
        var last = F.cross_entropy(model.forward(x), y).item<float>();

        Assert.True(last < first * 0.05, $"loss went from {first} to {last}");
    }

    [Fact]
    public void MlpHasTheParameterCountOfItsLayers()
    {
        using var model = new Mlp(784, [800, 800], 10);
        Assert.Equal(784 * 800 + 800 + 800 * 800 + 800 + 800 * 10 + 10, model.ParameterCount());
    }
}
