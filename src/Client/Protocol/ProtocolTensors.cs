using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Tensors;
using EdgeCluster.Onnx.Tensors;
using EdgeCluster.Silo.Protocol;
using EdgeCluster.Silo.Protocol.V2;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeCluster.Client.Protocol;

/// <summary>Between <see cref="NamedTensor"/>s and the protocol's request and response messages, with the codec the silo uses.</summary>
public static class ProtocolTensors
{
    public static ModelInferRequest ToRequest(
        string model, IReadOnlyList<NamedTensor> inputs, IReadOnlyList<string>? outputNames, string requestId, bool rawContents)
    {
        var request = new ModelInferRequest { ModelName = model, Id = requestId };
        foreach (var tensor in inputs)
        {
            var type = (TensorDataType)tensor.ElementType;
            var input = new ModelInferRequest.Types.InferInputTensor { Name = tensor.Name, Datatype = ProtocolDatatypes.NameOf(type) };
            input.Shape.AddRange(tensor.Shape);
            if (rawContents)
            {
                // NamedTensor bytes are not written after construction, so the message shares them instead of copying.
                request.RawInputContents.Add(UnsafeByteOperations.UnsafeWrap(tensor.Data));
            }
            else
            {
                input.Contents = TensorContentsCodec.Encode(type, tensor.Data) ?? throw EdgeClusterException.InvalidArgument(
                    $"Input '{tensor.Name}' is {input.Datatype}, which has no typed contents field; send it as raw contents.");
            }

            request.Inputs.Add(input);
        }

        foreach (var name in outputNames ?? [])
        {
            request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = name });
        }

        return request;
    }

    /// <summary>The response's outputs, from raw or typed contents, in the order the server sent them.</summary>
    public static NamedTensor[] ReadOutputs(ModelInferResponse response)
    {
        var raw = response.RawOutputContents.Count > 0;
        if (raw && response.RawOutputContents.Count != response.Outputs.Count)
        {
            throw new EdgeClusterException(EdgeClusterErrorKind.Internal,
                $"The server sent {response.RawOutputContents.Count} raw_output_contents for {response.Outputs.Count} outputs.");
        }

        return response.Outputs.Select((output, i) =>
        {
            if (!ProtocolDatatypes.TryParse(output.Datatype, out var type))
            {
                throw new EdgeClusterException(EdgeClusterErrorKind.Internal, $"Output '{output.Name}' has datatype '{output.Datatype}', which this client does not know.");
            }

            var data = raw ? response.RawOutputContents[i].ToByteArray() : TensorContentsCodec.Decode(output.Name, type, output.Contents ?? new InferTensorContents());
            return new NamedTensor(output.Name, (TensorElementType)type, output.Shape.ToArray(), data);
        }).ToArray();
    }

    public static ModelSignature ToSignature(ModelMetadataResponse metadata) => new(
        metadata.Name,
        metadata.Inputs.Select(ToSignature).ToArray(),
        metadata.Outputs.Select(ToSignature).ToArray());

    private static TensorSignature ToSignature(ModelMetadataResponse.Types.TensorMetadata tensor) => new(
        tensor.Name,
        ProtocolDatatypes.TryParse(tensor.Datatype, out var type) ? type : TensorDataType.Undefined,
        tensor.Shape.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
}
