using EdgeCluster.Onnx.Tensors;
using EdgeCluster.Silo.Protocol.V2;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeCluster.Silo.Tests.Protocol;

/// <summary>Requests written field by field against the protocol, not through the client library's codec.</summary>
public static class ProtocolRequests
{
    public static ModelInferRequest Raw(string model, params NamedTensor[] inputs)
    {
        var request = new ModelInferRequest { ModelName = model };
        foreach (var tensor in inputs)
        {
            request.Inputs.Add(Input(tensor.Name, Datatype(tensor.ElementType), tensor.Shape));
            request.RawInputContents.Add(ByteString.CopyFrom(tensor.Data));
        }

        return request;
    }

    public static ModelInferRequest.Types.InferInputTensor Input(string name, string datatype, params long[] shape)
    {
        var input = new ModelInferRequest.Types.InferInputTensor { Name = name, Datatype = datatype };
        input.Shape.AddRange(shape);
        return input;
    }

    public static string Datatype(TensorElementType type) => type switch
    {
        TensorElementType.Bool => "BOOL",
        TensorElementType.UInt8 => "UINT8",
        TensorElementType.Int8 => "INT8",
        TensorElementType.Int16 => "INT16",
        TensorElementType.Int32 => "INT32",
        TensorElementType.Int64 => "INT64",
        TensorElementType.Float16 => "FP16",
        TensorElementType.Float => "FP32",
        TensorElementType.Double => "FP64",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not used by these tests"),
    };

    public static float[] Floats(ByteString raw) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(raw.Span).ToArray();
}
