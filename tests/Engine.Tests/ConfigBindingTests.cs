using System.Text.Json;
using Vinula.Engine.Experiments;
using Vinula.Shared.Experiments;

namespace Vinula.Engine.Tests;

public class ConfigBindingTests
{
    private static readonly ExperimentCatalog Catalog = ExperimentCatalog.CreateDefault();
    private static readonly IExperimentDefinition Distill = Catalog.Find(ExperimentKinds.Distill)!;
    private static readonly IExperimentDefinition Sweep = Catalog.Find(ExperimentKinds.TemperatureSweep)!;

    private static BindResult Bind(string json) =>
        Catalog.Bind(Distill, JsonDocument.Parse(json).RootElement, new MemorySink());

    [Fact]
    public void APartialConfigTakesTheKindsDefaultsForMissingFields()
    {
        var result = Bind("""{ "temperature": 8, "teacher": { "epochs": 2 } }""");
        Assert.True(result.IsValid);
        var config = (DistillConfig)result.Config!;
        Assert.Equal(8, config.Temperature);
        Assert.Equal(2, config.Teacher.Epochs);
        Assert.Equal(new TeacherConfig().Hidden, config.Teacher.Hidden); // the teacher's own default, not a generic one
        Assert.Equal(new DistillConfig().Alpha, config.Alpha);
    }

    [Fact]
    public void AMissingConfigIsTheDefault() =>
        Assert.True(Catalog.Bind(Distill, null, new MemorySink()).IsValid);

    [Fact]
    public void UnknownFieldsAreRefusedWithTheirPath()
    {
        var error = Assert.Single(Bind("""{ "teacher": { "hiden": [10] } }""").Errors);
        Assert.Equal("teacher.hiden", error.Path);
        Assert.Contains("Unknown field", error.Message);
    }

    [Fact]
    public void WrongTypesAreRefusedWithTheirPath()
    {
        Assert.Equal("teacher.hidden[0]", Assert.Single(Bind("""{ "teacher": { "hidden": ["wide"] } }""").Errors).Path);
        Assert.Equal("temperature", Assert.Single(Bind("""{ "temperature": "hot" }""").Errors).Path);
        Assert.Equal("loss", Assert.Single(Bind("""{ "loss": "l2" }""").Errors).Path);
    }

    [Theory]
    [InlineData("""{ "temperature": 0 }""", "temperature")]
    [InlineData("""{ "alpha": 1.5 }""", "alpha")]
    [InlineData("""{ "batchSize": 0 }""", "batchSize")]
    [InlineData("""{ "learningRate": -1 }""", "learningRate")]
    [InlineData("""{ "epochs": 0 }""", "epochs")]
    [InlineData("""{ "student": { "hidden": [64, 0] } }""", "student.hidden[1]")]
    [InlineData("""{ "teacher": { "dropout": 1 } }""", "teacher.dropout")]
    [InlineData("""{ "trainSize": 3 }""", "trainSize")]
    [InlineData("""{ "teacherRunId": "nope" }""", "teacherRunId")]
    public void OutOfRangeValuesNameTheirField(string json, string path)
    {
        var error = Assert.Single(Bind(json).Errors);
        Assert.Equal(path, error.Path);
    }

    [Fact]
    public void AModelThatWouldNotFitInMemoryIsRefusedWithTheEstimate()
    {
        var error = Assert.Single(Bind("""{ "teacher": { "model": "mlp", "hidden": [8192, 8192, 8192, 8192, 8192] } }""").Errors);
        Assert.Equal("teacher.hidden", error.Path);
        Assert.Contains("275 M parameters", error.Message);
        Assert.Matches(@"about \d+(\.\d)? GB", error.Message);

        // Activations count too: a wide CNN on a huge batch is refused.
        Assert.Contains("student.hidden", Bind("""{ "batchSize": 65536, "student": { "model": "cnn", "channels": [256, 256], "hidden": [128] } }""").Errors.Select(e => e.Path));
    }

    [Theory]
    [InlineData(ExperimentKinds.Autoencoder, """{ "hidden": [4096, 4096, 4096, 4096] , "batchSize": 65536 }""", "hidden")]
    [InlineData(ExperimentKinds.Autoencoder, """{ "model": "conv", "latentDim": 49, "channels": 256, "batchSize": 65536 }""", "channels")]
    [InlineData(ExperimentKinds.Vae, """{ "hidden": [4096, 4096, 4096, 4096], "batchSize": 65536 }""", "hidden")]
    [InlineData(ExperimentKinds.Gan, """{ "hidden": [4096, 4096, 4096, 4096], "batchSize": 65536 }""", "hidden")]
    public void GenerativeModelsThatWouldNotFitAreRefusedToo(string kind, string json, string path)
    {
        var error = Assert.Single(Catalog.Bind(Catalog.Find(kind)!, JsonDocument.Parse(json).RootElement, new MemorySink()).Errors);
        Assert.Equal(path, error.Path);
        Assert.Contains("GB to train", error.Message);
    }

    [Fact]
    public void EveryPresetIsAValidConfig()
    {
        foreach (var definition in Catalog.All)
            foreach (var preset in definition.Presets)
            {
                var result = Catalog.Bind(definition, JsonSerializer.SerializeToElement(preset.Config), new MemorySink());
                Assert.True(result.IsValid, $"{preset.Name}: {string.Join("; ", result.Errors)}");
            }
    }
}
