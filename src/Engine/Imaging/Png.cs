using SkiaSharp;

namespace Vinula.Engine.Imaging;

/// <summary>Grayscale images and grids of them, encoded as PNG with SkiaSharp.</summary>
public static class Png
{
    /// <summary>One image of intensities in [0, 1] (row-major), white ink on black as MNIST is drawn,
    /// scaled up by an integer factor with nearest-neighbour so pixels stay crisp.</summary>
    public static byte[] Grayscale(ReadOnlySpan<float> pixels, int width, int height, int scale = 1) =>
        Grid(pixels, count: 1, columns: 1, width, height, scale, padding: 0);

    /// <summary>
    /// <paramref name="count"/> images laid out row by row, <paramref name="columns"/> per row, with
    /// <paramref name="padding"/> pixels of dark grey between them (before scaling).
    /// </summary>
    public static byte[] Grid(ReadOnlySpan<float> pixels, int count, int columns, int width, int height, int scale = 2, int padding = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        if (pixels.Length < count * width * height)
            throw new ArgumentException($"{pixels.Length} values are fewer than {count} images of {width}×{height}.", nameof(pixels));

        var rows = (count + columns - 1) / columns;
        var cellW = width + padding;
        var cellH = height + padding;
        var outW = (columns * cellW - padding) * scale;
        var outH = (rows * cellH - padding) * scale;

        var buffer = new byte[outW * outH];
        Array.Fill(buffer, (byte)48);
        for (var n = 0; n < count; n++)
        {
            int ox = n % columns * cellW * scale, oy = n / columns * cellH * scale;
            var cell = pixels.Slice(n * width * height, width * height);
            for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var v = (byte)Math.Clamp(MathF.Round(cell[y * width + x] * 255f), 0, 255);
                for (var dy = 0; dy < scale; dy++)
                    buffer.AsSpan((oy + y * scale + dy) * outW + ox + x * scale, scale).Fill(v);
            }
        }
        var info = new SKImageInfo(outW, outH, SKColorType.Gray8, SKAlphaType.Opaque);
        using var raw = SKData.CreateCopy(buffer);
        using var image = SKImage.FromPixels(info, raw, outW);
        using var encoded = image.Encode(SKEncodedImageFormat.Png, 100);
        return encoded.ToArray();
    }
}
