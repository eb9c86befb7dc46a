using Microsoft.ML.OnnxRuntime.Tensors;
using static EdgeCluster.Onnx.SampleModels.OnnxModelBuilder;

namespace EdgeCluster.Onnx.SampleModels;

/// <summary>
/// Two inputs (<see cref="ImageInput"/> float [1,3,32,32], <see cref="FeaturesInput"/> float [1,16]) consumed by the first two nodes,
/// merged into <see cref="EmbeddingOutput"/> [1,32] mid-graph (a graph output that later nodes also consume),
/// ending in <see cref="LogitsOutput"/> [1,10].
/// </summary>
public static class TwoBranchModel
{
    /// <summary>The image input name.</summary>
    public const string ImageInput = "image";

    /// <summary>The feature-vector input name.</summary>
    public const string FeaturesInput = "features";

    /// <summary>The final output name.</summary>
    public const string LogitsOutput = "logits";

    /// <summary>The mid-graph output name.</summary>
    public const string EmbeddingOutput = "embedding";

    /// <summary>Builds the model.</summary>
    public static byte[] Build(int seed = 1)
    {
        var b = new OnnxModelBuilder("two_branch", seed);
        var image = b.AddInput(ImageInput, TensorElementType.Float, 1L, 3L, 32L, 32L);
        var features = b.AddInput(FeaturesInput, TensorElementType.Float, 1L, 16L);

        // Both input-consuming nodes come first.
        var conv1 = b.AddNode(
            "Conv", "image_conv1", [image, b.AddWeight("image_conv1_weight", [8, 3, 3, 3], 27), b.AddRandom("image_conv1_bias", [8], 0.02)],
            Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1), Ints("strides", 2, 2));
        var featureFc = b.AddNode(
            "Gemm", "features_fc", [features, b.AddWeight("features_fc_weight", [16, 16], 16), b.AddRandom("features_fc_bias", [16], 0.02)]);

        var relu1 = b.AddNode("Relu", "image_relu1", [conv1]);
        var conv2 = b.AddNode(
            "Conv", "image_conv2", [relu1, b.AddWeight("image_conv2_weight", [16, 8, 3, 3], 72), b.AddRandom("image_conv2_bias", [16], 0.02)],
            Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1), Ints("strides", 2, 2));
        var relu2 = b.AddNode("Relu", "image_relu2", [conv2]);
        var pooled = b.AddNode("GlobalAveragePool", "image_pool", [relu2]);
        var flat = b.AddNode("Flatten", "image_flatten", [pooled], Int("axis", 1));
        var featureRelu = b.AddNode("Relu", "features_relu", [featureFc]);
        var merged = b.AddNode("Concat", "merge", [flat, featureRelu], Int("axis", 1));
        var mergeFc = b.AddNode("Gemm", "merge_fc", [merged, b.AddWeight("merge_fc_weight", [32, 32], 32), b.AddRandom("merge_fc_bias", [32], 0.02)]);
        var embedding = b.AddNode("Tanh", "embedding_tanh", [mergeFc], [EmbeddingOutput])[0];

        var head1 = b.AddNode("Gemm", "head_fc1", [embedding, b.AddWeight("head_fc1_weight", [32, 32], 32), b.AddRandom("head_fc1_bias", [32], 0.02)]);
        var headRelu = b.AddNode("Relu", "head_relu", [head1]);
        var residual = b.AddNode("Add", "head_residual", [headRelu, embedding]);
        b.AddNode("Gemm", "head_fc2", [residual, b.AddWeight("head_fc2_weight", [32, 10], 32), b.AddRandom("head_fc2_bias", [10], 0.02)], [LogitsOutput]);

        b.AddOutput(LogitsOutput, TensorElementType.Float, 1L, 10L);
        b.AddOutput(EmbeddingOutput, TensorElementType.Float, 1L, 32L);
        return b.ToBytes();
    }
}
