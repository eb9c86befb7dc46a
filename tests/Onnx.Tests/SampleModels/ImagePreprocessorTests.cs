using System.Text;
using EdgeCluster.Onnx.SampleModels;
using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Onnx.Tests.SampleModels;

public sealed class ImagePreprocessorTests
{
    [Fact]
    public void Ppm_DecodesPixels()
    {
        var image = ImageDecoder.Decode(Ppm(2, 1, [255, 0, 0, 0, 128, 255]));
        Assert.Equal(2, image.Width);
        Assert.Equal(1, image.Height);
        Assert.Equal(new byte[] { 255, 0, 0, 0, 128, 255 }, image.Pixels);
    }

    [Fact]
    public void Ppm_WithCommentAndSmallMaxValue_IsScaled()
    {
        var bytes = Encoding.ASCII.GetBytes("P6\n# comment\n1 1\n15\n").Concat(new byte[] { 15, 0, 5 }).ToArray();
        Assert.Equal(new byte[] { 255, 0, 85 }, ImageDecoder.Decode(bytes).Pixels);
    }

    [Theory]
    [InlineData(24, false)]
    [InlineData(32, false)]
    [InlineData(24, true)]
    public void Bmp_DecodesPixelsTopLeftFirst(int bitsPerPixel, bool topDown)
    {
        // 3x2 image: row 0 red, green, blue; row 1 white, black, gray.
        byte[] rgb = [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 128, 128, 128];
        var image = ImageDecoder.Decode(Bmp(3, 2, rgb, bitsPerPixel, topDown));
        Assert.Equal(3, image.Width);
        Assert.Equal(2, image.Height);
        Assert.Equal(rgb, image.Pixels);
    }

    [Fact]
    public void UnknownFormat_IsRejected()
    {
        var e = Assert.Throws<InvalidDataException>(() => ImageDecoder.Decode(Encoding.ASCII.GetBytes("GIF89a")));
        Assert.StartsWith("Unsupported image format", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resize_Bilinear_InterpolatesAndKeepsUniformColor()
    {
        var gradient = new RgbImage(2, 1, [0, 0, 0, 200, 100, 50]).Resize(4, 1);
        Assert.Equal(new byte[] { 0, 0, 0, 50, 25, 13, 150, 75, 38, 200, 100, 50 }, gradient.Pixels);

        var uniform = new RgbImage(3, 5, Enumerable.Repeat((byte)77, 45).ToArray()).Resize(224, 224);
        Assert.All(uniform.Pixels, p => Assert.Equal(77, p));
    }

    [Fact]
    public void ToPixelTensor_IsPlanarRgb()
    {
        var image = new RgbImage(1, 1, [10, 20, 30]);
        var tensor = ImagePreprocessor.ToPixelTensor(image);
        Assert.Equal(ResNet18.PreprocessInputName, tensor.Name);
        Assert.Equal([1L, 3, 224, 224], tensor.Shape);
        var values = tensor.AsFloats();
        Assert.Equal(10f, values[0]);
        Assert.Equal(20f, values[224 * 224]);
        Assert.Equal(30f, values[2 * 224 * 224]);
    }

    [Fact]
    public void Preprocess_PpmFile_GivesResNetInput()
    {
        var path = Path.Combine(Path.GetTempPath(), $"img-{Guid.NewGuid()}.ppm");
        try
        {
            // A uniform image isolates the model's arithmetic: BGR order minus the mean image.
            File.WriteAllBytes(path, Ppm(10, 7, Enumerable.Range(0, 70).SelectMany(_ => new byte[] { 200, 100, 50 }).ToArray()));
            using var preprocessor = new ImagePreprocessor();
            var tensor = preprocessor.Preprocess(path);

            Assert.Equal(ResNet18.InputName, tensor.Name);
            Assert.Equal([1L, 3, 224, 224], tensor.Shape);
            var values = tensor.AsFloats();
            Assert.InRange(values[0], 50f - 130f, 50f - 100f);
            Assert.InRange(values[2 * 224 * 224], 200f - 130f, 200f - 100f);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Preprocess_BmpImage_FeedsResNet18()
    {
        var pixels = new byte[3 * 40 * 30];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)(i * 7 % 256);
        }

        using var preprocessor = new ImagePreprocessor();
        var tensor = preprocessor.Preprocess(ImageDecoder.Decode(Bmp(40, 30, pixels, 24, false)));
        Assert.Equal([1L, 3, 224, 224], tensor.Shape);
        Assert.True(TensorComparison.MaxAbs(tensor) > 1);
    }

    private static byte[] Ppm(int width, int height, byte[] rgb) =>
        [.. Encoding.ASCII.GetBytes($"P6\n{width} {height}\n255\n"), .. rgb];

    private static byte[] Bmp(int width, int height, byte[] rgb, int bitsPerPixel, bool topDown)
    {
        var bytesPerPixel = bitsPerPixel / 8;
        var stride = ((width * bytesPerPixel) + 3) / 4 * 4;
        var data = new byte[54 + (stride * height)];
        data[0] = (byte)'B';
        data[1] = (byte)'M';
        BitConverter.GetBytes(data.Length).CopyTo(data, 2);
        BitConverter.GetBytes(54).CopyTo(data, 10);
        BitConverter.GetBytes(40).CopyTo(data, 14);
        BitConverter.GetBytes(width).CopyTo(data, 18);
        BitConverter.GetBytes(topDown ? -height : height).CopyTo(data, 22);
        BitConverter.GetBytes((ushort)1).CopyTo(data, 26);
        BitConverter.GetBytes((ushort)bitsPerPixel).CopyTo(data, 28);
        for (var y = 0; y < height; y++)
        {
            var row = 54 + ((topDown ? y : height - 1 - y) * stride);
            for (var x = 0; x < width; x++)
            {
                var source = 3 * ((y * width) + x);
                var target = row + (x * bytesPerPixel);
                data[target] = rgb[source + 2];
                data[target + 1] = rgb[source + 1];
                data[target + 2] = rgb[source];
            }
        }

        return data;
    }
}
