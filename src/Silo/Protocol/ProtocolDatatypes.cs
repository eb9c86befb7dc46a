using EdgeCluster.Grains.Interfaces.Tensors;
using EdgeCluster.Onnx.Tensors;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeCluster.Silo.Protocol;

/// <summary>The protocol's tensor data type names ("FP32", "INT64", ...) and the element types they stand for.</summary>
public static class ProtocolDatatypes
{
    private static readonly (string Name, TensorDataType Type)[] Pairs =
    [
        ("BOOL", TensorDataType.Bool),
        ("UINT8", TensorDataType.UInt8),
        ("UINT16", TensorDataType.UInt16),
        ("UINT32", TensorDataType.UInt32),
        ("UINT64", TensorDataType.UInt64),
        ("INT8", TensorDataType.Int8),
        ("INT16", TensorDataType.Int16),
        ("INT32", TensorDataType.Int32),
        ("INT64", TensorDataType.Int64),
        ("FP16", TensorDataType.Float16),
        ("FP32", TensorDataType.Float),
        ("FP64", TensorDataType.Double),
        ("BF16", TensorDataType.BFloat16),
    ];

    /// <summary>Every data type name the endpoints accept, comma-separated, for error messages.</summary>
    public static string SupportedNames { get; } = string.Join(", ", Pairs.Select(p => p.Name));

    public static bool TryParse(string name, out TensorDataType type)
    {
        foreach (var pair in Pairs)
        {
            if (pair.Name == name)
            {
                type = pair.Type;
                return true;
            }
        }

        type = TensorDataType.Undefined;
        return false;
    }

    public static bool TryNameOf(TensorDataType type, out string name)
    {
        foreach (var pair in Pairs)
        {
            if (pair.Type == type)
            {
                name = pair.Name;
                return true;
            }
        }

        name = string.Empty;
        return false;
    }

    /// <summary>The protocol name of <paramref name="type"/>; types the protocol cannot carry here (strings) throw.</summary>
    public static string NameOf(TensorDataType type) =>
        TryNameOf(type, out var name) ? name : throw new NotSupportedException($"Element type {type} has no Open Inference Protocol data type supported here.");

    public static string NameOf(TensorElementType type) => NameOf((TensorDataType)type);

    public static int ElementSize(TensorDataType type) => ShapeMath.ElementSize((TensorElementType)type);
}
