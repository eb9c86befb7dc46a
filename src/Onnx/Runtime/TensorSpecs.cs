using EdgeCluster.Onnx.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace EdgeCluster.Onnx.Runtime;

/// <summary>Converts ONNX Runtime session metadata into <see cref="TensorSpec"/>s.</summary>
internal static class TensorSpecs
{
    public static IReadOnlyList<TensorSpec> FromMetadata(IReadOnlyList<string> names, IReadOnlyDictionary<string, NodeMetadata> metadata)
    {
        var specs = new TensorSpec[names.Count];
        for (var i = 0; i < names.Count; i++)
        {
            specs[i] = FromMetadata(names[i], metadata[names[i]]);
        }

        return specs;
    }

    private static TensorSpec FromMetadata(string name, NodeMetadata node)
    {
        if (!node.IsTensor)
        {
            throw new InvalidModelException($"The ONNX model could not be loaded: '{name}' is a {node.OnnxValueType}, only tensors are supported.");
        }

        var symbols = node.SymbolicDimensions;
        var dims = new TensorDimension[node.Dimensions.Length];
        for (var d = 0; d < dims.Length; d++)
        {
            var size = node.Dimensions[d];
            var symbol = d < symbols.Length && !string.IsNullOrEmpty(symbols[d]) ? symbols[d] : null;
            dims[d] = size >= 0 && symbol is null ? new TensorDimension(size, null) : new TensorDimension(-1, symbol);
        }

        return new TensorSpec(name, node.ElementDataType, dims);
    }
}
