using EdgeCluster.Onnx.Runtime;
using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Onnx.SampleModels;

/// <summary>
/// Turns an image file (binary PPM or uncompressed BMP) into ResNet18's input tensor: decode, bilinear resize to 224x224,
/// lay out as float RGB 0-255 NCHW, then run ResNetPreprocess.onnx (RGB to BGR, minus the mean image).
/// </summary>
public sealed class ImagePreprocessor : IDisposable
{
    private readonly ShardSession session;

    /// <summary>Loads the preprocessing model from the ResNet18 package.</summary>
    public ImagePreprocessor()
    {
        session = ShardSession.FromFile(ResNet18.PreprocessModelPath);
    }

    /// <summary>Reads an image file and returns the tensor named <see cref="ResNet18.InputName"/>, float [1,3,224,224].</summary>
    public NamedTensor Preprocess(string imagePath) => Preprocess(ImageDecoder.Decode(imagePath));

    /// <summary>Returns the tensor named <see cref="ResNet18.InputName"/>, float [1,3,224,224], for a decoded image.</summary>
    public NamedTensor Preprocess(RgbImage image)
    {
        var pixels = ToPixelTensor(image);
        var output = session.Run([pixels])[0];
        return output with { Name = ResNet18.InputName };
    }

    /// <summary>The preprocessing model's input: the image resized to 224x224, float RGB 0-255, shape [1,3,224,224].</summary>
    public static NamedTensor ToPixelTensor(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var resized = image.Resize(ResNet18.ImageSize, ResNet18.ImageSize);
        const int plane = ResNet18.ImageSize * ResNet18.ImageSize;
        var values = new float[3 * plane];
        for (var i = 0; i < plane; i++)
        {
            values[i] = resized.Pixels[3 * i];
            values[plane + i] = resized.Pixels[(3 * i) + 1];
            values[(2 * plane) + i] = resized.Pixels[(3 * i) + 2];
        }

        return NamedTensor.FromFloats(ResNet18.PreprocessInputName, [1, 3, ResNet18.ImageSize, ResNet18.ImageSize], values);
    }

    /// <inheritdoc />
    public void Dispose() => session.Dispose();
}
