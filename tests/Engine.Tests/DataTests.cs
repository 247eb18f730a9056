using System.Buffers.Binary;
using System.IO.Compression;
using Vinula.Engine.Data;

namespace Vinula.Engine.Tests;

public class DataTests
{
    [Fact]
    public void IdxReaderReadsShapeAndBytes()
    {
        var path = WriteIdx(Path.GetTempFileName(), [2, 3], [1, 2, 3, 4, 5, 6], gzip: false);
        var array = IdxReader.Read(path);
        Assert.Equal([2, 3], array.Shape);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6 }, array.Data);
    }

    [Fact]
    public void IdxReaderRefusesATruncatedFile()
    {
        var path = WriteIdx(Path.GetTempFileName(), [4, 4], [1, 2, 3], gzip: false);
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.Read(path));
        Assert.Contains("shorter", e.Message);
    }

    [Fact]
    public void MnistIdxFolderLoadsWithTheStandardSplit()
    {
        var dir = Directory.CreateTempSubdirectory("idx").FullName;
        const int nTrain = 50, nTest = 7;
        var trainPixels = Enumerable.Range(0, nTrain * 784).Select(i => (byte)(i % 256)).ToArray();
        WriteIdx(Path.Combine(dir, "train-images-idx3-ubyte.gz"), [nTrain, 28, 28], trainPixels, gzip: true);
        WriteIdx(Path.Combine(dir, "train-labels-idx1-ubyte.gz"), [nTrain], Enumerable.Range(0, nTrain).Select(i => (byte)(i % 10)).ToArray(), gzip: true);
        WriteIdx(Path.Combine(dir, "t10k-images-idx3-ubyte"), [nTest, 28, 28], new byte[nTest * 784], gzip: false);
        WriteIdx(Path.Combine(dir, "t10k-labels-idx1-ubyte"), [nTest], Enumerable.Repeat((byte)7, nTest).ToArray(), gzip: false);

        var mnist = MnistLoader.LoadIdx(dir);

        Assert.Equal(nTrain + nTest, mnist.Count);
        Assert.Equal(10, mnist.Validation.Length); // the last fifth of a tiny train file (5,000 of 60,000 at full size)
        Assert.Equal(Enumerable.Range(40, 10), mnist.Validation);
        Assert.Equal(Enumerable.Range(nTrain, nTest), mnist.Test);
        Assert.Equal(255 / 255f, mnist.Image(0)[255]);
        Assert.Equal(7, mnist.Labels[nTrain]);
    }

    [Fact]
    public void NpmJsonReaderReadsDigitFilesInCanonicalOrder()
    {
        var package = Directory.CreateTempSubdirectory("mnistpkg").FullName;
        Directory.CreateDirectory(Path.Combine(package, "src", "digits"));
        for (var d = 0; d < 10; d++)
        {
            var count = d + 1;
            var values = Enumerable.Repeat((d / 10.0).ToString(System.Globalization.CultureInfo.InvariantCulture), 784 * count);
            File.WriteAllText(Path.Combine(package, "src", "digits", $"{d}.json"), $"{{ \"data\": [{string.Join(',', values)}] }}");
        }

        var mnist = MnistLoader.LoadNpm(package);

        Assert.Equal(55, mnist.Count);
        Assert.Equal(0, mnist.Labels[0]);
        Assert.Equal(1, mnist.Labels[1]);
        Assert.Equal(9, mnist.Labels[^1]);
        Assert.Equal(0.3f, mnist.Image(6)[100], 5); // images 6..9 are the four 3s
    }

    [Fact]
    public void NpmMnistSplitsIntoDisjoint7000_1000_2000()
    {
        var mnist = TestData.Datasets.Mnist;
        Assert.Equal(10_000, mnist.Count);
        Assert.Equal(7_000, mnist.Train.Length);
        Assert.Equal(1_000, mnist.Validation.Length);
        Assert.Equal(2_000, mnist.Test.Length);
        var all = mnist.Train.Concat(mnist.Validation).Concat(mnist.Test).ToHashSet();
        Assert.Equal(10_000, all.Count);
        Assert.All(mnist.Test, i => Assert.Equal(4, i % 5));
        Assert.All(mnist.Validation, i => Assert.Equal(3, i % 10));
        Assert.Equal([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978],
            Enumerable.Range(0, 10).Select(d => mnist.Labels.Count(l => l == d)));
    }

    [Fact]
    public void StratifiedSubsetKeepsLabelSharesAndIsSeeded()
    {
        var mnist = TestData.Datasets.Mnist;
        var a = Subsets.Stratified(mnist.Train, mnist.Labels, 700, seed: 5);
        var b = Subsets.Stratified(mnist.Train, mnist.Labels, 700, seed: 5);
        var c = Subsets.Stratified(mnist.Train, mnist.Labels, 700, seed: 6);

        Assert.Equal(700, a.Length);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Subset(mnist.Train.ToHashSet(), a.ToHashSet());
        for (byte d = 0; d < 10; d++)
        {
            var share = mnist.Train.Count(i => mnist.Labels[i] == d) / 10.0;
            Assert.InRange(a.Count(i => mnist.Labels[i] == d), Math.Floor(share), Math.Ceiling(share));
        }
    }

    [Fact]
    public void EpochOrderDependsOnlyOnSeedAndEpoch()
    {
        Assert.Equal(Subsets.EpochOrder(100, 1, 3), Subsets.EpochOrder(100, 1, 3));
        Assert.NotEqual(Subsets.EpochOrder(100, 1, 3), Subsets.EpochOrder(100, 1, 4));
        Assert.Equal(Enumerable.Range(0, 100), Subsets.EpochOrder(100, 1, 3).Order());
    }

    private static string WriteIdx(string path, int[] shape, byte[] data, bool gzip)
    {
        using var file = File.Create(path);
        using Stream stream = gzip ? new GZipStream(file, CompressionLevel.Fastest) : file;
        stream.Write([0, 0, 0x08, (byte)shape.Length]);
        Span<byte> dim = stackalloc byte[4];
        foreach (var d in shape)
        {
            BinaryPrimitives.WriteInt32BigEndian(dim, d);
            stream.Write(dim);
        }
        stream.Write(data);
        return path;
    }
}
