using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Models;
using EdgeCluster.Grains.Interfaces.Tensors;
using EdgeCluster.Onnx.Tensors;
using EdgeCluster.Silo.Protocol.V2;

namespace EdgeCluster.Silo.Protocol;

/// <summary>The tensors and output names of a checked request, and whether it sent raw contents.</summary>
public sealed record InferInputs(TensorPayload[] Tensors, string[] OutputNames, bool UsedRawContents);

/// <summary>
/// Checks a <see cref="ModelInferRequest"/> against the size limit and the model's signature and turns
/// it into pipeline tensors. Every failure names the tensor and what was expected.
/// </summary>
public static class InferRequestReader
{
    /// <summary>Rejects a request whose inputs, as sent or as their shapes declare, exceed <paramref name="maxRequestBytes"/>; runs before anything is decoded.</summary>
    public static void CheckSize(ModelInferRequest request, long maxRequestBytes)
    {
        var sizes = request.Inputs.Select((input, i) => (input.Name, Bytes: Math.Max(DeclaredBytes(input), SentBytes(request, input, i)))).ToArray();
        var total = sizes.Aggregate(0L, (sum, s) => SaturatingAdd(sum, s.Bytes));
        if (total > maxRequestBytes)
        {
            var largest = string.Join(", ", sizes.OrderByDescending(s => s.Bytes).Take(3).Select(s => $"'{s.Name}' {s.Bytes}"));
            throw new EdgeClusterException(
                EdgeClusterErrorKind.ResourceExhausted,
                $"Request for model '{request.ModelName}' carries {total} bytes of input tensors ({largest}), more than the {maxRequestBytes} " +
                $"this server accepts ({InferenceProtocolOptions.Section}:{nameof(InferenceProtocolOptions.MaxRequestBytes)}).");
        }
    }

    public static InferInputs Read(ModelInferRequest request, ModelInfo model)
    {
        var raw = request.RawInputContents.Count > 0;
        if (raw && request.RawInputContents.Count != request.Inputs.Count)
        {
            throw EdgeClusterException.InvalidArgument(
                $"raw_input_contents has {request.RawInputContents.Count} entries but the request has {request.Inputs.Count} inputs; give one per input, in the order of inputs.");
        }

        var signatures = model.Inputs.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var tensors = new TensorPayload[request.Inputs.Count];
        for (var i = 0; i < tensors.Length; i++)
        {
            var input = request.Inputs[i];
            if (raw && !TensorContentsCodec.IsEmpty(input.Contents))
            {
                throw EdgeClusterException.InvalidArgument(
                    $"Input '{input.Name}' has typed contents but the request also uses raw_input_contents; send every input one way.");
            }

            if (!signatures.TryGetValue(input.Name, out var signature))
            {
                throw EdgeClusterException.InvalidArgument(
                    $"Input '{input.Name}' is not an input of model '{model.Name}' (inputs: {ModelSignatures.Describe(model.Inputs)}).");
            }

            if (tensors.Any(t => t?.Name == input.Name))
            {
                throw EdgeClusterException.InvalidArgument($"Input '{input.Name}' is given more than once.");
            }

            tensors[i] = ReadTensor(input, signature, model.Name, raw ? request.RawInputContents[i].ToByteArray() : null);
        }

        var missing = model.Inputs.FirstOrDefault(s => !tensors.Any(t => t.Name == s.Name));
        if (missing is not null)
        {
            throw EdgeClusterException.InvalidArgument(
                $"Input '{missing.Name}' is missing; model '{model.Name}' needs {ModelSignatures.Describe(model.Inputs)}.");
        }

        return new InferInputs(tensors, ReadOutputNames(request, model), raw);
    }

    private static TensorPayload ReadTensor(ModelInferRequest.Types.InferInputTensor input, TensorSignature signature, string model, byte[]? raw)
    {
        if (!ProtocolDatatypes.TryParse(input.Datatype, out var type))
        {
            throw EdgeClusterException.InvalidArgument(
                $"Input '{input.Name}' has datatype '{input.Datatype}', which is not one of {ProtocolDatatypes.SupportedNames}.");
        }

        var expectedType = ProtocolDatatypes.TryNameOf(signature.DataType, out var name) ? name : signature.DataType.ToString();
        if (type != signature.DataType)
        {
            throw EdgeClusterException.InvalidArgument($"Input '{input.Name}' is {input.Datatype} but model '{model}' expects {expectedType}.");
        }

        var shape = input.Shape.ToArray();
        var shapeText = ShapeMath.Format(shape);
        if (shape.Any(d => d < 0) || !ModelSignatures.Accepts(signature, shape))
        {
            throw EdgeClusterException.InvalidArgument(
                $"Input '{input.Name}' has shape {shapeText} but model '{model}' expects [{string.Join(",", signature.Dimensions)}].");
        }

        var count = ShapeMath.ElementCount(shape);
        var size = ProtocolDatatypes.ElementSize(type);
        if (raw is null)
        {
            var field = TensorContentsCodec.FieldOf(type);
            var given = field is null ? 0 : TensorContentsCodec.CountOf(type, input.Contents ?? new InferTensorContents());
            if (field is not null && given != count)
            {
                throw EdgeClusterException.InvalidArgument(
                    $"Input '{input.Name}' holds {given} values in {field} but shape {shapeText} of {input.Datatype} needs {count}.");
            }

            raw = TensorContentsCodec.Decode(input.Name, type, input.Contents ?? new InferTensorContents());
        }
        else if (raw.LongLength != count * size)
        {
            throw EdgeClusterException.InvalidArgument(raw.LongLength % size != 0
                ? $"Input '{input.Name}' has {raw.LongLength} bytes of data, not a whole number of {size}-byte {input.Datatype} values; shape {shapeText} needs {count * size} bytes."
                : $"Input '{input.Name}' holds {raw.LongLength / size} {input.Datatype} values ({raw.LongLength} bytes) but shape {shapeText} needs {count} ({count * size} bytes).");
        }

        return new TensorPayload(input.Name, type, shape, raw);
    }

    private static string[] ReadOutputNames(ModelInferRequest request, ModelInfo model)
    {
        var names = new List<string>(request.Outputs.Count);
        foreach (var output in request.Outputs)
        {
            if (!model.Outputs.Any(o => o.Name == output.Name))
            {
                throw EdgeClusterException.InvalidArgument(
                    $"Output '{output.Name}' is not an output of model '{model.Name}' (outputs: {ModelSignatures.Describe(model.Outputs)}).");
            }

            if (names.Contains(output.Name))
            {
                throw EdgeClusterException.InvalidArgument($"Output '{output.Name}' is requested more than once.");
            }

            names.Add(output.Name);
        }

        return [.. names];
    }

    private static long DeclaredBytes(ModelInferRequest.Types.InferInputTensor input)
    {
        var size = ProtocolDatatypes.TryParse(input.Datatype, out var type) ? ProtocolDatatypes.ElementSize(type) : 1;
        var bytes = (long)size;
        foreach (var dim in input.Shape)
        {
            if (dim < 0)
            {
                return 0;
            }

            bytes = dim != 0 && bytes > long.MaxValue / dim ? long.MaxValue : bytes * dim;
        }

        return bytes;
    }

    private static long SentBytes(ModelInferRequest request, ModelInferRequest.Types.InferInputTensor input, int index)
    {
        if (index < request.RawInputContents.Count)
        {
            return request.RawInputContents[index].Length;
        }

        // Typed values are counted in the field the data type uses; a value in another field is rejected later anyway.
        return input.Contents is null || !ProtocolDatatypes.TryParse(input.Datatype, out var type)
            ? 0
            : TensorContentsCodec.CountOf(type, input.Contents) * ProtocolDatatypes.ElementSize(type);
    }

    private static long SaturatingAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;
}
