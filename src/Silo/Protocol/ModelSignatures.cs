using System.Globalization;
using EdgeCluster.Grains.Interfaces.Tensors;
using EdgeCluster.Silo.Protocol.V2;

namespace EdgeCluster.Silo.Protocol;

/// <summary>A registered model's declared tensors in the protocol's terms.</summary>
public static class ModelSignatures
{
    /// <summary>The size of a declared dimension, or -1 (the protocol's mark for a variable size) for a symbol.</summary>
    public static long DimensionSize(string dimension) =>
        long.TryParse(dimension, NumberStyles.None, CultureInfo.InvariantCulture, out var size) ? size : -1;

    public static ModelMetadataResponse.Types.TensorMetadata ToMetadata(TensorSignature signature)
    {
        var metadata = new ModelMetadataResponse.Types.TensorMetadata { Name = signature.Name, Datatype = DatatypeOf(signature) };
        metadata.Shape.AddRange(signature.Dimensions.Select(DimensionSize));
        return metadata;
    }

    /// <summary>"name: FP32[1,3,224,224]" for each signature, comma-separated.</summary>
    public static string Describe(IEnumerable<TensorSignature> signatures) =>
        string.Join(", ", signatures.Select(s => $"{s.Name}: {DatatypeOf(s)}[{string.Join(",", s.Dimensions)}]"));

    /// <summary>Whether <paramref name="shape"/> has the declared rank and every fixed dimension.</summary>
    public static bool Accepts(TensorSignature signature, IReadOnlyList<long> shape)
    {
        if (shape.Count != signature.Dimensions.Length)
        {
            return false;
        }

        for (var d = 0; d < shape.Count; d++)
        {
            var expected = DimensionSize(signature.Dimensions[d]);
            if (expected >= 0 && expected != shape[d])
            {
                return false;
            }
        }

        return true;
    }

    private static string DatatypeOf(TensorSignature signature) =>
        ProtocolDatatypes.TryNameOf(signature.DataType, out var name) ? name : signature.DataType.ToString().ToUpperInvariant();
}
