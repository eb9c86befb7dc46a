using Microsoft.ML.OnnxRuntime.Tensors;
using static EdgeCluster.Onnx.SampleModels.OnnxModelBuilder;

namespace EdgeCluster.Onnx.SampleModels;

/// <summary>
/// A small U-Net: <see cref="InputName"/> float [1,3,32,32] to <see cref="OutputName"/> float [1,1,32,32].
/// The encoder outputs e1 (32x32) and e2 (16x16) are long skip connections that cross the bottleneck.
/// Upsampling is Resize (nearest, scales 2x) with the optional roi input left empty ("").
/// </summary>
public static class UNetModel
{
    /// <summary>The input tensor name.</summary>
    public const string InputName = "image";

    /// <summary>The output tensor name.</summary>
    public const string OutputName = "mask";

    /// <summary>Builds the model.</summary>
    public static byte[] Build(int seed = 1)
    {
        var b = new OnnxModelBuilder("unet", seed);
        var image = b.AddInput(InputName, TensorElementType.Float, 1L, 3L, 32L, 32L);
        var scales = b.AddFloats("upsample_scales", [4], 1f, 1f, 2f, 2f);

        var e1 = ConvRelu(b, "enc1", image, 3, 8);
        var p1 = Pool(b, "pool1", e1);
        var e2 = ConvRelu(b, "enc2", p1, 8, 16);
        var p2 = Pool(b, "pool2", e2);
        var bottleneck = ConvRelu(b, "bottleneck", p2, 16, 32);

        var up2 = b.AddNode("Resize", "up2", [bottleneck, string.Empty, scales], String("mode", "nearest"));
        var cat2 = b.AddNode("Concat", "skip2_concat", [up2, e2], Int("axis", 1));
        var d2 = ConvRelu(b, "dec2", cat2, 48, 16);

        var up1 = b.AddNode("Resize", "up1", [d2, string.Empty, scales], String("mode", "nearest"));
        var cat1 = b.AddNode("Concat", "skip1_concat", [up1, e1], Int("axis", 1));
        var d1 = ConvRelu(b, "dec1", cat1, 24, 8);

        var logits = b.AddNode(
            "Conv", "head_conv", [d1, b.AddWeight("head_conv_weight", [1, 8, 1, 1], 8), b.AddRandom("head_conv_bias", [1], 0.02)],
            Ints("kernel_shape", 1, 1));
        b.AddNode("Sigmoid", "head_sigmoid", [logits], [OutputName]);
        b.AddOutput(OutputName, TensorElementType.Float, 1L, 1L, 32L, 32L);
        return b.ToBytes();
    }

    private static string ConvRelu(OnnxModelBuilder b, string name, string x, long inChannels, long outChannels)
    {
        var weight = b.AddWeight($"{name}_weight", [outChannels, inChannels, 3, 3], inChannels * 9);
        var bias = b.AddRandom($"{name}_bias", [outChannels], 0.02);
        var conv = b.AddNode("Conv", $"{name}_conv", [x, weight, bias], Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1));
        return b.AddNode("Relu", $"{name}_relu", [conv]);
    }

    private static string Pool(OnnxModelBuilder b, string name, string x) =>
        b.AddNode("MaxPool", name, [x], Ints("kernel_shape", 2, 2), Ints("strides", 2, 2));
}
