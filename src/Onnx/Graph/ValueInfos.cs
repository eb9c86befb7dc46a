using EdgeCluster.Onnx.Tensors;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace EdgeCluster.Onnx.Graph;

/// <summary>Conversions between ONNX ValueInfoProto declarations and <see cref="TensorSpec"/> shapes.</summary>
internal static class ValueInfos
{
    /// <summary>Reads a tensor declaration; false when the value is not a tensor or declares no element type.</summary>
    public static bool TryRead(ValueInfoProto value, out TensorElementType type, out IReadOnlyList<TensorDimension>? shape)
    {
        type = default;
        shape = null;
        var tensor = value.Type?.TensorType;
        if (tensor is null || tensor.ElemType <= 0 || !Enum.IsDefined((TensorElementType)tensor.ElemType))
        {
            return false;
        }

        type = (TensorElementType)tensor.ElemType;
        if (tensor.Shape is not null)
        {
            shape = tensor.Shape.Dim.Select(ToDimension).ToArray();
        }

        return true;
    }

    /// <summary>A declared graph input or output as a spec; throws when it is not a typed tensor of known rank.</summary>
    public static TensorSpec ToSpec(ValueInfoProto value, string role)
    {
        if (!TryRead(value, out var type, out var shape))
        {
            throw new InvalidModelException($"Graph {role} '{value.Name}' does not declare a tensor element type.");
        }

        if (shape is null)
        {
            throw new InvalidModelException($"Graph {role} '{value.Name}' does not declare a shape (rank unknown).");
        }

        return new TensorSpec(value.Name, type, shape);
    }

    public static bool IsFullyKnown(IReadOnlyList<TensorDimension>? shape) => shape is not null && shape.All(d => d.IsFixed);

    public static ValueInfoProto Create(string name, TensorElementType type, IEnumerable<TensorDimension> shape)
    {
        var tensorShape = new TensorShapeProto();
        foreach (var dim in shape)
        {
            var proto = new TensorShapeProto.Types.Dimension();
            if (dim.IsFixed)
            {
                proto.DimValue = dim.Size;
            }
            else if (dim.Symbol is not null)
            {
                proto.DimParam = dim.Symbol;
            }

            tensorShape.Dim.Add(proto);
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = tensorShape } },
        };
    }

    private static TensorDimension ToDimension(TensorShapeProto.Types.Dimension dim) =>
        dim.HasDimValue && dim.DimValue >= 0 ? new TensorDimension(dim.DimValue, null)
        : new TensorDimension(-1, dim.HasDimParam && dim.DimParam.Length > 0 ? dim.DimParam : null);
}
