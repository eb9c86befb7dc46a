using EdgeCluster.Onnx.Tensors;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeCluster.Onnx.Graph;

/// <summary>What is known about one tensor of the graph.</summary>
/// <param name="Shape">Concrete shape for the analysed symbolic-dimension sizes.</param>
/// <param name="Dimensions">Best declared form: symbols kept from the model, or detected as varying with the inputs' symbols; else concrete.</param>
public sealed record TensorInfo(string Name, TensorElementType ElementType, long[] Shape, IReadOnlyList<TensorDimension> Dimensions)
{
    public long ElementCount => ShapeMath.ElementCount(Shape);

    /// <summary>True for element types with a fixed size: the only tensors that can cross a stage boundary as bytes.</summary>
    public bool IsDense => ElementType is TensorElementType.Float or TensorElementType.UInt8 or TensorElementType.Int8
        or TensorElementType.UInt16 or TensorElementType.Int16 or TensorElementType.Int32 or TensorElementType.Int64
        or TensorElementType.Bool or TensorElementType.Float16 or TensorElementType.Double or TensorElementType.UInt32
        or TensorElementType.UInt64 or TensorElementType.BFloat16;

    /// <summary>Bytes of the dense element data; 0 for strings and other types without a fixed element size.</summary>
    public long Bytes => IsDense ? ElementCount * ShapeMath.ElementSize(ElementType) : 0;

    public override string ToString() => $"{Name}: {ElementType}{ShapeMath.Format(Shape)}";
}
