using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeCluster.Onnx.Tensors;

/// <summary>A dense tensor as plain bytes: what crosses process and device boundaries.</summary>
/// <param name="Name">The graph tensor name it binds to.</param>
/// <param name="ElementType">ONNX element type (ONNX TensorProto.DataType codes).</param>
/// <param name="Shape">Concrete dimensions.</param>
/// <param name="Data">Little-endian element bytes, row-major, exactly ElementCount * element size long.</param>
public sealed record NamedTensor(string Name, TensorElementType ElementType, long[] Shape, byte[] Data)
{
    public long ElementCount => ShapeMath.ElementCount(Shape);

    public ReadOnlySpan<float> AsFloats() => ElementType == TensorElementType.Float
        ? MemoryMarshal.Cast<byte, float>(Data.AsSpan())
        : throw new InvalidOperationException($"Tensor '{Name}' holds {ElementType}, not Float.");

    public static NamedTensor FromFloats(string name, long[] shape, ReadOnlySpan<float> values) =>
        new(name, TensorElementType.Float, shape, MemoryMarshal.AsBytes(values).ToArray());
}
