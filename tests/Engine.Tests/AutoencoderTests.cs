using TorchSharp;
using Vinula.Engine.Experiments.Autoencoder;
using Vinula.Engine.Models;
using Vinula.Engine.Training;
using Vinula.Shared.Experiments;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Vinula.Engine.Tests;

public class AutoencoderTests
{
    public AutoencoderTests() => TestData.InitTorch();

    [Theory]
    [InlineData(4)]
    [InlineData(16)]
    [InlineData(64)]
    public void PcaTrainingErrorIsTheEckartYoungValue(int k)
    {
        using var scope = NewDisposeScope();
        var mnist = TestData.Datasets.Mnist;
        var rows = mnist.Train.Take(1000).ToArray();
        var x = tensor(mnist.Gather(rows), [rows.Length, 784]);
        using var pca = Pca.Fit(x, k);

        // Σ_{i>k} σ_i² / (n·784) of the centred data, against the error of the actual reconstruction.
        Assert.Equal(pca.EckartYoungMse, pca.ReconstructionMse(x), 10);
        // And σ_i² really are the squared singular values of the centred data.
        var centred = x.to(ScalarType.Float64) - x.to(ScalarType.Float64).mean([0]);
        var singular = linalg.svdvals(centred).pow(2).data<double>().ToArray();
        Assert.Equal(singular.Skip(k).Sum(), pca.Eigenvalues.Skip(k).Sum(), 6);
    }

    [Fact]
    public void MoreComponentsNeverReconstructWorse()
    {
        using var scope = NewDisposeScope();
        var mnist = TestData.Datasets.Mnist;
        var x = tensor(mnist.Gather(mnist.Train.Take(500).ToArray()), [500, 784]);
        var errors = new[] { 2, 8, 32 }.Select(k => { using var p = Pca.Fit(x, k); return p.ReconstructionMse(x); }).ToList();
        Assert.True(errors[0] > errors[1] && errors[1] > errors[2]);
    }

    [Theory]
    [InlineData("dense")]
    [InlineData("conv")]
    public void AutoencodersOverfitATinyBatch(string kind)
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(5);
        var mnist = TestData.Datasets.Mnist;
        var x = tensor(mnist.Gather(mnist.Train.Take(32).ToArray()), [32, 784]);
        using nn.Module<Tensor, Tensor> model = kind == "conv" ? new ConvAutoencoder(28, 8, 1) : new DenseAutoencoder(784, [64], 8);
        using var optimizer = optim.Adam(model.parameters(), 1e-2);
        var first = F.mse_loss(model.forward(x), x).item<float>();
        for (var i = 0; i < 300; i++)
        {
            using var step = NewDisposeScope();
            optimizer.zero_grad();
            F.mse_loss(model.forward(x), x).backward();
            optimizer.step();
        }
        var last = F.mse_loss(model.forward(x), x).item<float>();
        Assert.True(last < first * 0.3, $"{kind}: {first} → {last}");
        Assert.Equal([32L, kind == "conv" ? 49 : 8], ((IAutoencoder)model).Encode(x).shape);
    }

    [Theory]
    [InlineData(AutoencoderModel.Pca, 16)]
    [InlineData(AutoencoderModel.Dense, 8)]
    [InlineData(AutoencoderModel.Conv, 49)]
    public void ADryRunReportsTestMseAndStoresReconstructionGrids(AutoencoderModel model, int latent)
    {
        var sink = new MemorySink();
        var context = new RunContext(sink.RunId, sink, sink, TestData.Datasets, TorchSharp.torch.CPU);
        var config = new AutoencoderConfig { Model = model, LatentDim = latent, Epochs = 2, TrainSize = 500, Hidden = [32], Channels = 8 };
        using (var run = new AutoencoderExperiment().Create(config, context))
            new TrainingRunner(context).Run(run, resume: false, default);

        Assert.InRange(context.Summary["test.mse"], 0.001, 0.3); // a dry run: a few steps, not a trained model
        var grids = sink.Artifacts.Values.Where(a => a.Info.Group == ReconstructionGrid.Group).ToList();
        Assert.Equal(model == AutoencoderModel.Pca ? 1 : 2, grids.Count); // one per epoch; PCA has none, only its fit
        Assert.All(grids, g => Assert.Equal("image/png", g.Info.ContentType));
        var codes = System.Text.Json.JsonSerializer.Deserialize<Shared.Artifacts.LatentCodes>(sink.Artifacts[Shared.Artifacts.LatentCodes.ArtifactName].Content, Shared.VinulaJson.Options)!;
        Assert.Equal(2000, codes.X.Length);
        Assert.True(codes.Projected); // every latent here is wider than 2: the scatter shows its first two components
        Assert.InRange(codes.ExplainedVariance, 0.01, 1);
        if (model == AutoencoderModel.Pca)
            Assert.Equal(context.Summary["train.mse_eckart_young"], context.Summary["train.mse"], 9);
        else
            Assert.Equal(2, sink.Series("ae/test_mse").Count());
    }
}

public class HomotopyTests
{
    public HomotopyTests() => TestData.InitTorch();

    [Theory]
    [InlineData(AutoencoderModel.Pca)]
    [InlineData(AutoencoderModel.Dense)]
    public async Task HomotopyDrawsAPixelStripAndALatentStripThatStartAndEndNearTheDigits(AutoencoderModel model)
    {
        var sink = new MemorySink();
        var context = new RunContext(sink.RunId, sink, sink, TestData.Datasets, TorchSharp.torch.CPU);
        var config = new AutoencoderConfig { Model = model, LatentDim = 16, Epochs = 1, TrainSize = 500, Hidden = [32] };
        using (var run = new AutoencoderExperiment().Create(config, context))
            new TrainingRunner(context).Run(run, resume: false, default);

        var json = Experiments.ExperimentCatalog.ToJson(config);
        using var analysis = new Analysis.AnalysisService(Experiments.ExperimentCatalog.CreateDefault(), TestData.Datasets);
        var png = await analysis.HomotopyAsync(new Analysis.RunModel(ExperimentKinds.Autoencoder, json, name => sink.LoadCheckpoint(sink.RunId, name)), 0, 1);

        using var image = SkiaSharp.SKBitmap.Decode(png);
        Assert.Equal((2 * (10 * 29 - 1), 2 * (2 * 29 - 1)), (image.Width, image.Height)); // ten steps, two strips, scale 2
        // The pixel strip starts at digit a exactly: the top-left cell is test digit 0.
        var a = TestData.Datasets.Mnist.Image(TestData.Datasets.Mnist.Test[0]);
        var brightest = a.IndexOf(a.ToArray().Max());
        var (px, py) = (brightest % 28, brightest / 28);
        Assert.True(image.GetPixel(2 * px, 2 * py).Red > 200);
    }

    [Fact]
    public async Task HomotopyFramesRunFromTheDecodedCodeOfDigitAToThatOfDigitB()
    {
        // A cVAE, so the label's path (a mix of the two one-hot labels) is checked too.
        var sink = new MemorySink();
        var context = new RunContext(sink.RunId, sink, sink, TestData.Datasets, TorchSharp.torch.CPU);
        var config = new CvaeConfig { Epochs = 1, TrainSize = 500, Hidden = [32], LatentDim = 4 };
        using (var run = new Experiments.Vae.CvaeExperiment().Create(config, context))
            new TrainingRunner(context).Run(run, resume: false, default);
        var json = Experiments.ExperimentCatalog.ToJson(config);
        using var analysis = new Analysis.AnalysisService(Experiments.ExperimentCatalog.CreateDefault(), TestData.Datasets);
        var (rowA, rowB) = (analysis.FirstTestRow(1)!.Value, analysis.FirstTestRow(7)!.Value);

        var frames = await analysis.HomotopyFramesAsync(new Analysis.RunModel(ExperimentKinds.Cvae, json, name => sink.LoadCheckpoint(sink.RunId, name)), rowA, rowB, 21);

        Assert.Equal(21, frames.Count);
        // The ends, computed here without the path: decode(z_a, y_a) and decode(z_b, y_b), drawn the same way.
        var mnist = TestData.Datasets.Mnist;
        byte[] Decoded(int row)
        {
            using var scope = NewDisposeScope();
            using var mode = no_grad();
            using var model = ((Experiments.ILatentModelKind)new Experiments.Vae.CvaeExperiment()).Load(config, name => sink.LoadCheckpoint(sink.RunId, name), mnist);
            var index = mnist.Test[row];
            var x = tensor(mnist.Gather([index]), [1, Data.MnistData.Pixels]);
            var y = F.one_hot(tensor(new long[] { mnist.Labels[index] }), 10).to(ScalarType.Float32);
            var image = model.Decode(model.Encode(x, y), y).to(ScalarType.Float32);
            return Imaging.Png.Grayscale(image.data<float>().ToArray(), 28, 28, scale: 2);
        }
        Assert.Equal(Decoded(rowA), frames[0]);
        Assert.Equal(Decoded(rowB), frames[^1]);
        Assert.NotEqual(frames[0], frames[10]); // the middle is neither end
        Assert.NotEqual(frames[^1], frames[10]);

        // The pixel cross-fade needs no model: its ends are the digits themselves.
        var fade = analysis.CrossFadeFrames(rowA, rowB, 21);
        Assert.Equal(21, fade.Count);
        Assert.Equal(Imaging.Png.Grayscale(mnist.Image(mnist.Test[rowA]), 28, 28, scale: 2), fade[0]);
        Assert.Equal(Imaging.Png.Grayscale(mnist.Image(mnist.Test[rowB]), 28, 28, scale: 2), fade[^1]);
    }

    [Fact]
    public async Task AKindWithoutAnEncoderIsRefused()
    {
        using var analysis = new Analysis.AnalysisService(Experiments.ExperimentCatalog.CreateDefault(), TestData.Datasets);
        var gan = new Analysis.RunModel(ExperimentKinds.Gan, Experiments.ExperimentCatalog.ToJson(new GanConfig()), _ => null);
        await Assert.ThrowsAsync<NotSupportedException>(() => analysis.HomotopyAsync(gan, 0, 1));
    }

    [Fact]
    public void EveryKindWithAnEncoderBuildsItsModelWithOneFactory()
    {
        // Training and analysis share the factory: the kinds the panels interpolate with are exactly these.
        var kinds = Experiments.ExperimentCatalog.CreateDefault().All.OfType<Experiments.ILatentModelKind>()
            .Select(k => ((Experiments.IExperimentDefinition)k).Kind).Order();
        Assert.Equal([ExperimentKinds.Autoencoder, ExperimentKinds.Cvae, ExperimentKinds.Vae, ExperimentKinds.VaeGan], kinds);
    }
}
