using EdgeCluster.Grains.Interfaces.Inference;
using EdgeCluster.Silo.Protocol.V2;
using Google.Protobuf;

namespace EdgeCluster.Silo.Protocol;

/// <summary>Builds the <see cref="ModelInferResponse"/> of a finished pipeline run.</summary>
public static class InferResponseWriter
{
    /// <summary>Response parameter naming the device the request entered at, where stage 0 ran.</summary>
    public const string DeviceParameter = "device";

    /// <summary>Response parameter carrying the W3C trace id the request ran under, when it was traced.</summary>
    public const string TraceIdParameter = "trace_id";

    /// <summary>
    /// Outputs go as raw contents when the request sent raw contents, and also when an output's type
    /// has no typed field (FP16, BF16): the protocol allows one form per response.
    /// </summary>
    public static ModelInferResponse Write(string model, string version, string device, InferenceResult result, bool rawContents)
    {
        var response = new ModelInferResponse { ModelName = model, ModelVersion = version, Id = result.RequestId };
        response.Parameters[DeviceParameter] = new InferParameter { StringParam = device };
        if (!string.IsNullOrEmpty(result.TraceId))
        {
            response.Parameters[TraceIdParameter] = new InferParameter { StringParam = result.TraceId };
        }

        var raw = rawContents || result.Outputs.Any(o => TensorContentsCodec.FieldOf(o.DataType) is null);
        foreach (var tensor in result.Outputs)
        {
            var output = new ModelInferResponse.Types.InferOutputTensor { Name = tensor.Name, Datatype = ProtocolDatatypes.NameOf(tensor.DataType) };
            output.Shape.AddRange(tensor.Shape);
            if (raw)
            {
                // The payload's bytes are never written again, so the response shares them instead of copying.
                response.RawOutputContents.Add(UnsafeByteOperations.UnsafeWrap(tensor.Data));
            }
            else
            {
                output.Contents = TensorContentsCodec.Encode(tensor.DataType, tensor.Data);
            }

            response.Outputs.Add(output);
        }

        return response;
    }
}
