namespace EdgeCluster.Onnx.SampleModels;

/// <summary>An 8-bit RGB image, pixels interleaved row-major from the top-left (R,G,B per pixel).</summary>
public sealed record RgbImage
{
    /// <summary>Creates an image; <paramref name="pixels"/> must hold width * height * 3 bytes.</summary>
    public RgbImage(int width, int height, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.LongLength != 3L * width * height)
        {
            throw new ArgumentException($"A {width}x{height} RGB image needs {3L * width * height} bytes, got {pixels.LongLength}.", nameof(pixels));
        }

        Width = width;
        Height = height;
        Pixels = pixels;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Interleaved RGB bytes.</summary>
    public byte[] Pixels { get; }

    /// <summary>Bilinear resize (pixel centers aligned, edges clamped); returns this image when the size already matches.</summary>
    public RgbImage Resize(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (width == Width && height == Height)
        {
            return this;
        }

        var result = new byte[3 * width * height];
        var scaleX = (double)Width / width;
        var scaleY = (double)Height / height;
        for (var y = 0; y < height; y++)
        {
            var sy = Math.Clamp(((y + 0.5) * scaleY) - 0.5, 0, Height - 1);
            var y0 = (int)sy;
            var y1 = Math.Min(y0 + 1, Height - 1);
            var fy = sy - y0;
            for (var x = 0; x < width; x++)
            {
                var sx = Math.Clamp(((x + 0.5) * scaleX) - 0.5, 0, Width - 1);
                var x0 = (int)sx;
                var x1 = Math.Min(x0 + 1, Width - 1);
                var fx = sx - x0;
                for (var c = 0; c < 3; c++)
                {
                    var top = (At(x0, y0, c) * (1 - fx)) + (At(x1, y0, c) * fx);
                    var bottom = (At(x0, y1, c) * (1 - fx)) + (At(x1, y1, c) * fx);
                    result[(3 * ((y * width) + x)) + c] = (byte)Math.Round((top * (1 - fy)) + (bottom * fy), MidpointRounding.AwayFromZero);
                }
            }
        }

        return new RgbImage(width, height, result);
    }

    private double At(int x, int y, int channel) => Pixels[(3 * ((y * Width) + x)) + channel];
}
