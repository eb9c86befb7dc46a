using EdgeCluster.Onnx.Graph;
using EdgeCluster.Onnx.Tensors;
using Onnx;

namespace EdgeCluster.Onnx.Partitioning;

/// <summary>
/// Rough FLOP counts per node, good enough to balance stages: convolutions and matrix products dominate real
/// models and are counted exactly (multiply + add = 2); everything else costs a small multiple of its output size.
/// </summary>
public static class NodeCostModel
{
    public static double Flops(GraphNode node, IReadOnlyDictionary<string, TensorInfo> tensors)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(tensors);
        var proto = node.Proto;
        double outputElements = node.Outputs.Sum(o => tensors.TryGetValue(o, out var t) ? (double)t.ElementCount : 0);
        double firstOutput = node.Outputs.Count > 0 && tensors.TryGetValue(node.Outputs[0], out var first) ? first.ElementCount : 0;
        long[]? Shape(int input) =>
            input < proto.Input.Count && tensors.TryGetValue(proto.Input[input], out var t) ? t.Shape : null;
        double Elements(int input) => Shape(input) is { } s ? ShapeMath.ElementCount(s) : 0;

        if (proto.Domain.Length > 0 && proto.Domain != "ai.onnx")
        {
            return outputElements;
        }

        switch (proto.OpType)
        {
            case "Conv" or "ConvInteger" when Shape(1) is { Length: > 1 } weight:
                // weight is [M, C/group, k1, k2...]: each output element is a dot product of C/group * prod(k) terms.
                return 2 * firstOutput * ShapeMath.ElementCount(weight.AsSpan(1));
            case "ConvTranspose" when Shape(1) is { Length: > 1 } weight:
                // weight is [C, M/group, k...]: every input element is scattered into M/group * prod(k) outputs.
                return 2 * Elements(0) * ShapeMath.ElementCount(weight.AsSpan(1));
            case "Gemm" when Shape(0) is { Length: 2 } a:
                return 2 * firstOutput * (IntAttribute(proto, "transA") == 1 ? a[0] : a[1]);
            case "MatMul" or "MatMulInteger" when Shape(0) is { Length: > 0 } a:
                return 2 * firstOutput * a[^1];
            case "MaxPool" or "AveragePool" or "LpPool":
                return firstOutput * Math.Max(1, proto.Attribute.FirstOrDefault(a => a.Name == "kernel_shape")?.Ints.Aggregate(1L, (x, y) => x * y) ?? 1);
            case "GlobalAveragePool" or "GlobalMaxPool" or "ReduceMean" or "ReduceSum" or "ReduceMax" or "ReduceMin"
                or "ReduceProd" or "ReduceL2" or "ReduceSumSquare" or "ArgMax" or "ArgMin":
                return Math.Max(Elements(0), outputElements);
            case "Softmax" or "LogSoftmax":
                return 5 * outputElements;
            case "LayerNormalization" or "InstanceNormalization" or "GroupNormalization":
                return 8 * outputElements;
            case "BatchNormalization":
                return 2 * outputElements;
            case "Erf" or "Tanh" or "Sigmoid" or "Exp" or "Log" or "Sqrt" or "Pow" or "Gelu" or "HardSwish":
                return 4 * outputElements;
            default:
                return outputElements;
        }
    }

    private static long IntAttribute(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name)?.I ?? 0;
}
