using EdgeCluster.Onnx.Tensors;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace EdgeCluster.Onnx.Graph;

/// <summary>Sizes of stored tensors (initializers and Constant node values).</summary>
internal static class InitializerSizes
{
    /// <summary>In-memory bytes of the tensor's elements, however it is encoded in the file.</summary>
    public static long Bytes(TensorProto tensor)
    {
        var type = (TensorElementType)tensor.DataType;
        if (type == TensorElementType.String)
        {
            return tensor.StringData.Sum(s => (long)s.Length);
        }

        var elements = ShapeMath.ElementCount(tensor.Dims.ToArray());
        return Enum.IsDefined(type) && type is not (TensorElementType.Complex64 or TensorElementType.Complex128 or TensorElementType.DataTypeMax)
            ? elements * ShapeMath.ElementSize(type)
            : tensor.RawData.Length;
    }

    /// <summary>Bytes of the value a Constant node holds; 0 for other nodes.</summary>
    public static long ConstantNodeBytes(NodeProto node)
    {
        if (node.OpType != "Constant" || node.Domain.Length > 0)
        {
            return 0;
        }

        long bytes = 0;
        foreach (var attribute in node.Attribute)
        {
            if (attribute.T is not null)
            {
                bytes += Bytes(attribute.T);
            }
            else if (attribute.SparseTensor is not null)
            {
                bytes += Bytes(attribute.SparseTensor.Values) + Bytes(attribute.SparseTensor.Indices);
            }
            else
            {
                bytes += (attribute.Floats.Count * 4L) + (attribute.Ints.Count * 8L);
            }
        }

        return bytes;
    }
}
