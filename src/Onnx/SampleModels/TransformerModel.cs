using Microsoft.ML.OnnxRuntime.Tensors;
using static EdgeCluster.Onnx.SampleModels.OnnxModelBuilder;

namespace EdgeCluster.Onnx.SampleModels;

/// <summary>
/// A stack of pre-norm transformer encoder blocks: input <see cref="InputName"/> float [batch, seq, dim]
/// (batch symbolic), output <see cref="OutputName"/> of the same shape.
/// </summary>
public static class TransformerModel
{
    /// <summary>The input tensor name.</summary>
    public const string InputName = "tokens";

    /// <summary>The output tensor name.</summary>
    public const string OutputName = "encoded";

    /// <summary>The symbolic batch dimension.</summary>
    public const string BatchSymbol = "batch";

    /// <summary>Builds the model; the feed-forward width is 4 * <paramref name="modelDim"/>.</summary>
    public static byte[] Build(int blocks = 4, int sequenceLength = 16, int modelDim = 64, int heads = 4, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blocks);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sequenceLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(heads);
        if (modelDim <= 0 || modelDim % heads != 0)
        {
            throw new ArgumentException($"modelDim ({modelDim}) must be a positive multiple of heads ({heads}).", nameof(modelDim));
        }

        var b = new OnnxModelBuilder("transformer", seed);
        var x = b.AddInput(InputName, TensorElementType.Float, BatchSymbol, (long)sequenceLength, (long)modelDim);
        long headDim = modelDim / heads;

        // Shared by every block: each shard holding attention needs a copy.
        var splitShape = b.AddInt64s("split_heads_shape", [4], 0, sequenceLength, heads, headDim);
        var mergeShape = b.AddInt64s("merge_heads_shape", [3], 0, sequenceLength, modelDim);
        var scale = b.AddFloats("attention_scale", [], (float)(1.0 / Math.Sqrt(headDim)));

        for (var i = 0; i < blocks; i++)
        {
            x = Block(b, $"block{i}", x, modelDim, splitShape, mergeShape, scale);
        }

        var gamma = b.AddConstant("final_ln_gamma", [modelDim], 1f);
        var beta = b.AddConstant("final_ln_beta", [modelDim], 0f);
        b.AddNode("LayerNormalization", "final_ln", [x, gamma, beta], [OutputName], Int("axis", -1), Float("epsilon", 1e-5f));
        b.AddOutput(OutputName, TensorElementType.Float, BatchSymbol, (long)sequenceLength, (long)modelDim);
        return b.ToBytes();
    }

    private static string Block(OnnxModelBuilder b, string p, string x, long dim, string splitShape, string mergeShape, string scale)
    {
        var ln1 = LayerNorm(b, $"{p}_ln1", x, dim);
        var q = Heads(b, $"{p}_q", ln1, dim, splitShape, [0, 2, 1, 3]);
        var k = Heads(b, $"{p}_k", ln1, dim, splitShape, [0, 2, 3, 1]);
        var v = Heads(b, $"{p}_v", ln1, dim, splitShape, [0, 2, 1, 3]);
        var scores = b.AddNode("MatMul", $"{p}_scores", [q, k]);
        var scaled = b.AddNode("Mul", $"{p}_scale", [scores, scale]);
        var probs = b.AddNode("Softmax", $"{p}_softmax", [scaled], Int("axis", -1));
        var context = b.AddNode("MatMul", $"{p}_context", [probs, v]);
        var transposed = b.AddNode("Transpose", $"{p}_context_transpose", [context], Ints("perm", 0, 2, 1, 3));
        var merged = b.AddNode("Reshape", $"{p}_merge_heads", [transposed, mergeShape]);
        var attention = Linear(b, $"{p}_out_proj", merged, dim, dim);
        var residual1 = b.AddNode("Add", $"{p}_residual1", [x, attention]);

        var ln2 = LayerNorm(b, $"{p}_ln2", residual1, dim);
        var hidden = b.AddNode("Relu", $"{p}_ffn_relu", [Linear(b, $"{p}_ffn1", ln2, dim, 4 * dim)]);
        var ffn = Linear(b, $"{p}_ffn2", hidden, 4 * dim, dim);
        return b.AddNode("Add", $"{p}_residual2", [residual1, ffn]);
    }

    private static string LayerNorm(OnnxModelBuilder b, string name, string x, long dim)
    {
        var gamma = b.AddConstant($"{name}_gamma", [dim], 1f);
        var beta = b.AddConstant($"{name}_beta", [dim], 0f);
        return b.AddNode("LayerNormalization", name, [x, gamma, beta], Int("axis", -1), Float("epsilon", 1e-5f));
    }

    private static string Linear(OnnxModelBuilder b, string name, string x, long inDim, long outDim)
    {
        var weight = b.AddWeight($"{name}_weight", [inDim, outDim], inDim);
        var bias = b.AddRandom($"{name}_bias", [outDim], 0.02);
        var product = b.AddNode("MatMul", $"{name}_matmul", [x, weight]);
        return b.AddNode("Add", $"{name}_bias_add", [product, bias]);
    }

    private static string Heads(OnnxModelBuilder b, string name, string x, long dim, string splitShape, long[] perm)
    {
        var projected = Linear(b, name, x, dim, dim);
        var split = b.AddNode("Reshape", $"{name}_split_heads", [projected, splitShape]);
        return b.AddNode("Transpose", $"{name}_transpose", [split], Ints("perm", perm));
    }
}
