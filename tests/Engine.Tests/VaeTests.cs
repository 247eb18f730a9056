using TorchSharp;
using Vinula.Engine.Experiments.Vae;
using Vinula.Engine.Losses;
using Vinula.Engine.Training;
using Vinula.Shared.Experiments;
using static TorchSharp.torch;

namespace Vinula.Engine.Tests;

public class VaeTests
{
    public VaeTests() => TestData.InitTorch();

    [Fact]
    public void KlOfTheStandardNormalToItselfIsZero()
    {
        using var scope = NewDisposeScope();
        var kl = VaeLoss.KlToStandardNormal(zeros(5, dtype: ScalarType.Float64), zeros(5, dtype: ScalarType.Float64));
        Assert.Equal(0, kl.sum().item<double>(), 12);
    }

    [Fact]
    public void KlOfTwoDiagonalGaussiansMatchesHandComputedValues()
    {
        using var scope = NewDisposeScope();
        // KL(N(1, 1) ‖ N(0, 1)) = ½; KL(N(0, 4) ‖ N(0, 1)) = ½(4 − 1 − ln 4) = 0.8068528…
        var mu = tensor(new[] { 1.0, 0.0 });
        var logVar = tensor(new[] { 0.0, Math.Log(4) });
        var toPrior = VaeLoss.KlToStandardNormal(mu, logVar).data<double>().ToArray();
        Assert.Equal(0.5, toPrior[0], 12);
        Assert.Equal(0.5 * (4 - 1 - Math.Log(4)), toPrior[1], 12);

        // KL(N(1, 2) ‖ N(−1, 0.5)) = ½ ln(0.5/2) + (2 + 4)/(2·0.5) − ½ = −0.6931472 + 6 − 0.5 = 4.8068528…
        var general = VaeLoss.KlDiagonal(tensor(new[] { 1.0 }), tensor(new[] { Math.Log(2) }), tensor(new[] { -1.0 }), tensor(new[] { Math.Log(0.5) }));
        Assert.Equal(0.5 * Math.Log(0.25) + 6 - 0.5, general.item<double>(), 12);
        // The general form reduces to the prior case.
        Assert.Equal(toPrior[1], VaeLoss.KlDiagonal(mu[1], logVar[1], tensor(0.0), tensor(0.0)).item<double>(), 12);
    }

    [Fact]
    public void TheReparameterisedSampleCarriesGradientsToMuAndLogVariance()
    {
        using var scope = NewDisposeScope();
        using var random = Seeds.Generator(1);
        var mu = zeros(4, 3).requires_grad_();
        var logVar = zeros(4, 3).requires_grad_();
        VaeLoss.Sample(mu, logVar, random).pow(2).sum().backward();
        Assert.True(mu.grad!.abs().sum().item<float>() > 0);
        Assert.True(logVar.grad!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void AVaeOverfitsATinyBatch()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(2);
        using var random = Seeds.Generator(2);
        var mnist = TestData.Datasets.Mnist;
        var x = tensor(mnist.Gather(mnist.Train.Take(32).ToArray()), [32, 784]);
        using var model = new Models.Vae(784, [128], 8);
        using var optimizer = optim.Adam(model.parameters(), 3e-3);
        float Loss()
        {
            var (mu, logVar) = model.Encode(x);
            return VaeLoss.Compute(model.DecodeLogits(mu), x, mu, logVar, 1).Loss.item<float>();
        }
        var first = Loss();
        for (var i = 0; i < 300; i++)
        {
            using var step = NewDisposeScope();
            optimizer.zero_grad();
            var (mu, logVar) = model.Encode(x);
            VaeLoss.Compute(model.DecodeLogits(VaeLoss.Sample(mu, logVar, random)), x, mu, logVar, 1).Loss.backward();
            optimizer.step();
        }
        Assert.True(Loss() < first * 0.5, $"{first} → {Loss()}");
    }

    [Fact]
    public void ADryRunReportsTheElboTermsAndDrawsTheManifoldEveryEpoch()
    {
        var sink = new MemorySink();
        var context = new RunContext(sink.RunId, sink, sink, TestData.Datasets, TorchSharp.torch.CPU);
        using (var run = new VaeExperiment().Create(new VaeConfig { Epochs = 2, TrainSize = 500, Hidden = [64] }, context))
            new TrainingRunner(context).Run(run, resume: false, default);

        var s = context.Summary;
        Assert.True(s["test.elbo"] < 0);
        Assert.True(s["test.recon"] > 0);
        Assert.Equal(-(s["test.recon"] + s["test.kl"]), s["test.elbo"], 6);
        // The reported KL is the mean over test digits of Σ_u KL_u: recompute it from the trained encoder.
        var klPerDim = System.Text.Json.JsonDocument.Parse(sink.Artifacts["kl-per-dimension.json"].Content).RootElement
            .GetProperty("klPerDimension").EnumerateArray().Select(e => e.GetDouble()).ToList();
        Assert.Equal(s["test.kl"], klPerDim.Sum(), 9);
        Assert.NotEqual(klPerDim[0], klPerDim[1]);
        Assert.InRange(s["active_units"], 0, 2);
        Assert.Equal(2, sink.Artifacts.Values.Count(a => a.Info.Group == "manifold"));
        Assert.Equal(2, sink.Artifacts.Values.Count(a => a.Info.Group == "samples"));
        Assert.Equal(2, sink.Series("vae/test_elbo").Count());
        var codes = System.Text.Json.JsonSerializer.Deserialize<Shared.Artifacts.LatentCodes>(sink.Artifacts[Shared.Artifacts.LatentCodes.ArtifactName].Content, Shared.VinulaJson.Options)!;
        Assert.Equal((2000, 2000, 2000, false), (codes.X.Length, codes.Y.Length, codes.Labels.Length, codes.Projected));
    }

    [Fact]
    public async Task ACvaeDrawsTheStyleTransferGridEveryEpochAndOneManifoldPerDigit()
    {
        var sink = new MemorySink();
        var context = new RunContext(sink.RunId, sink, sink, TestData.Datasets, TorchSharp.torch.CPU);
        using (var run = new CvaeExperiment().Create(new CvaeConfig { Epochs = 2, TrainSize = 500, Hidden = [64] }, context))
            new TrainingRunner(context).Run(run, resume: false, default);

        Assert.True(context.Summary["test.elbo"] < 0);
        Assert.Equal(2, sink.Artifacts.Values.Count(a => a.Info.Group == "style"));
        Assert.Equal(10, sink.Artifacts.Values.Count(a => a.Info.Group == "manifold-by-label"));
        Assert.DoesNotContain(sink.Artifacts.Values, a => a.Info.Group == "manifold"); // the unconditional manifold is the VAE's
        using var style = SkiaSharp.SKBitmap.Decode(sink.Artifacts["style-e002.png"].Content);
        Assert.Equal((11 * 29 - 1, 10 * 29 - 1), (style.Width, style.Height)); // the original, then labels 0–9; one row per digit
        Assert.NotEmpty(sink.Series("cvae/test_elbo"));

        // Any test digit the user picks: itself, then its style as every digit.
        var config = Experiments.ExperimentCatalog.ToJson(new CvaeConfig { Epochs = 2, TrainSize = 500, Hidden = [64] });
        using var analysis = new Analysis.AnalysisService(Experiments.ExperimentCatalog.CreateDefault(), TestData.Datasets);
        var png = await analysis.StyleTransferAsync(new Analysis.RunModel(ExperimentKinds.Cvae, config, name => sink.LoadCheckpoint(sink.RunId, name)), 42);
        using var strip = SkiaSharp.SKBitmap.Decode(png);
        Assert.Equal((2 * (11 * 29 - 1), 2 * 28), (strip.Width, strip.Height));
    }
}
