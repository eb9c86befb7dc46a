using EdgeCluster.Onnx.SampleModels;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime.Tensors;
using OnnxModel = global::Onnx.ModelProto;

namespace EdgeCluster.Grains.Tests.Models;

internal static class TestModels
{
    /// <summary>x[1,4] → Relu → Sigmoid → y: two nodes, so one cut point and at most two stages.</summary>
    public static byte[] TwoNodeChain()
    {
        var builder = new OnnxModelBuilder("two_node_chain", seed: 1);
        var x = builder.AddInput("x", TensorElementType.Float, 1L, 4L);
        var relu = builder.AddNode("Relu", "relu", [x]);
        builder.AddNode("Sigmoid", "sigmoid", [relu], ["y"]);
        builder.AddOutput("y", TensorElementType.Float, 1L, 4L);
        return builder.ToBytes();
    }

    /// <summary>The same network with a different doc string: new bytes, so a new blob that must really be uploaded.</summary>
    public static byte[] WithDocString(byte[] model, string docString)
    {
        var proto = OnnxModel.Parser.ParseFrom(model);
        proto.DocString = docString;
        return proto.ToByteArray();
    }
}
