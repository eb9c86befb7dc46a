using EdgeCluster.Onnx.Tensors;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeCluster.Onnx.Partitioning;

/// <summary>A tensor that crosses a stage boundary, with the size it has for the analysed input sizes.</summary>
public sealed record BoundaryTensor(string Name, TensorElementType ElementType, long[] Shape, long Bytes)
{
    public override string ToString() => $"{Name}: {ElementType}{ShapeMath.Format(Shape)} ({Bytes} B)";
}
