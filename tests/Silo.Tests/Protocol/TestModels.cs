using EdgeCluster.Onnx.SampleModels;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeCluster.Silo.Tests.Protocol;

/// <summary>Identity models whose outputs repeat their inputs, one input per element type, shape [n,3].</summary>
public static class TestModels
{
    /// <summary>Types the protocol carries as typed contents too.</summary>
    public static readonly TensorElementType[] TypedTypes =
    [
        TensorElementType.Bool, TensorElementType.UInt8, TensorElementType.Int8, TensorElementType.Int16,
        TensorElementType.Int32, TensorElementType.Int64, TensorElementType.Float, TensorElementType.Double,
    ];

    /// <summary>An identity per element type: input "x_TYPE" becomes output "y_TYPE".</summary>
    public static byte[] Identities(IEnumerable<TensorElementType> types)
    {
        var b = new OnnxModelBuilder("identities", seed: 1);
        foreach (var type in types)
        {
            var suffix = type.ToString().ToLowerInvariant();
            b.AddInput("x_" + suffix, type, "n", 3L);
            b.AddNode("Identity", "id_" + suffix, ["x_" + suffix], ["y_" + suffix]);
            b.AddOutput("y_" + suffix, type, "n", 3L);
        }

        return b.ToBytes();
    }

    public static string InputOf(TensorElementType type) => "x_" + type.ToString().ToLowerInvariant();

    public static string OutputOf(TensorElementType type) => "y_" + type.ToString().ToLowerInvariant();
}
