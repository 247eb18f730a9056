using TorchSharp;
using Vinula.Engine.Training;
using static TorchSharp.torch;

namespace Vinula.Engine.Tests;

/// <summary>Our Adam is TorchSharp's Adam, bit for bit and checkpoint for checkpoint; only its scalars' lifetime differs.</summary>
public class AdamTests
{
    public AdamTests() => TestData.InitTorch();

    private static (nn.Module<Tensor, Tensor> Model, Tensor X, Tensor Y) Problem()
    {
        using var random = Seeds.Generator(3, 4);
        var model = nn.Sequential(nn.Linear(6, 5), nn.Tanh(), nn.Linear(5, 2));
        using (no_grad())
            foreach (var p in model.parameters()) p.copy_(randn(p.shape, generator: random));
        return (model, randn([16, 6], generator: random), randn([16, 2], generator: random));
    }

    private static void Train(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, Tensor x, Tensor y, int steps)
    {
        for (var i = 0; i < steps; i++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            nn.functional.mse_loss(model.forward(x), y).backward();
            optimizer.step();
        }
    }

    [Fact]
    public void ItTakesExactlyTheStepsOfTorchSharpsAdamAndReadsItsCheckpoints()
    {
        var (theirs, x, y) = Problem();
        var (ours, _, _) = Problem();
        using var theirAdam = optim.Adam(theirs.parameters(), 0.01, beta1: 0.5, beta2: 0.999);
        using var ourAdam = new Training.Adam(ours.parameters(), 0.01, beta1: 0.5);

        Train(theirs, theirAdam, x, y, 5);
        Train(ours, ourAdam, x, y, 5);
        foreach (var (a, b) in theirs.parameters().Zip(ours.parameters()))
            Assert.True(a.eq(b).all().item<bool>(), "the weights differ after five steps");

        // TorchSharp's state layout, both ways: a checkpoint written by the old optimiser resumes with ours.
        using var saved = new MemoryStream();
        theirAdam.save_state_dict(new BinaryWriter(saved));
        saved.Position = 0;
        var (resumed, _, _) = Problem();
        using (no_grad())
            foreach (var (p, q) in resumed.parameters().Zip(theirs.parameters())) p.copy_(q);
        using var resumedAdam = new Training.Adam(resumed.parameters(), 0.01, beta1: 0.5);
        resumedAdam.load_state_dict(new BinaryReader(saved));

        Train(theirs, theirAdam, x, y, 3);
        Train(resumed, resumedAdam, x, y, 3);
        foreach (var (a, b) in theirs.parameters().Zip(resumed.parameters()))
            Assert.True(a.eq(b).all().item<bool>(), "the weights differ after resuming from TorchSharp's Adam state");
    }
}
