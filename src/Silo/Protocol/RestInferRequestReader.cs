using System.Text.Json;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Silo.Protocol.V2;
using Google.Protobuf;

namespace EdgeCluster.Silo.Protocol;

/// <summary>
/// Reads the protocol's JSON inference request into a <see cref="ModelInferRequest"/> with raw contents,
/// so REST and gRPC share one path from there on.
/// </summary>
public static class RestInferRequestReader
{
    public static async Task<ModelInferRequest> ReadAsync(HttpRequest http, string model, string version, long maxBodyBytes, CancellationToken cancellationToken)
    {
        using var body = await ParseBodyAsync(http, maxBodyBytes, cancellationToken);
        var root = body.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw EdgeClusterException.InvalidArgument($"The request body must be a JSON object, not {Kind(root)}.");
        }

        var request = new ModelInferRequest { ModelName = model, ModelVersion = version, Id = OptionalString(root, "id", "the request") ?? string.Empty };
        var inputs = Property(root, "inputs", JsonValueKind.Array, "the request")
            ?? throw EdgeClusterException.InvalidArgument("The request has no 'inputs' array.");
        var index = 0;
        foreach (var input in inputs.EnumerateArray())
        {
            var what = $"input {index++}";
            if (input.ValueKind != JsonValueKind.Object)
            {
                throw EdgeClusterException.InvalidArgument($"The request's {what} must be a JSON object, not {Kind(input)}.");
            }

            var name = OptionalString(input, "name", what) ?? throw EdgeClusterException.InvalidArgument($"The request's {what} has no 'name'.");
            var datatype = OptionalString(input, "datatype", $"input '{name}'")
                ?? throw EdgeClusterException.InvalidArgument($"Input '{name}' has no 'datatype'.");
            var tensor = new ModelInferRequest.Types.InferInputTensor { Name = name, Datatype = datatype };
            tensor.Shape.AddRange(ReadShape(input, name));
            if (!ProtocolDatatypes.TryParse(datatype, out var type))
            {
                throw EdgeClusterException.InvalidArgument($"Input '{name}' has datatype '{datatype}', which is not one of {ProtocolDatatypes.SupportedNames}.");
            }

            if (!input.TryGetProperty("data", out var data))
            {
                throw EdgeClusterException.InvalidArgument($"Input '{name}' has no 'data'.");
            }

            request.Inputs.Add(tensor);
            request.RawInputContents.Add(UnsafeByteOperations.UnsafeWrap(JsonTensorData.Read(name, type, data)));
        }

        if (Property(root, "outputs", JsonValueKind.Array, "the request") is { } outputs)
        {
            foreach (var output in outputs.EnumerateArray())
            {
                var name = output.ValueKind == JsonValueKind.Object ? OptionalString(output, "name", "a requested output") : null;
                request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor
                {
                    Name = name ?? throw EdgeClusterException.InvalidArgument("A requested output has no 'name'."),
                });
            }
        }

        return request;
    }

    // Kestrel enforces the body limit the route's metadata sets; a declared length over it is refused before reading.
    private static async Task<JsonDocument> ParseBodyAsync(HttpRequest http, long maxBodyBytes, CancellationToken cancellationToken)
    {
        if (http.ContentLength > maxBodyBytes)
        {
            throw TooLarge(http.ContentLength.Value, maxBodyBytes);
        }

        try
        {
            return await JsonDocument.ParseAsync(http.Body, default, cancellationToken);
        }
        catch (JsonException exception)
        {
            throw EdgeClusterException.InvalidArgument($"The request body is not valid JSON: {exception.Message}");
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge(null, maxBodyBytes);
        }
    }

    private static EdgeClusterException TooLarge(long? length, long maxBodyBytes) => new(
        EdgeClusterErrorKind.ResourceExhausted,
        $"The request body{(length is null ? string.Empty : $" of {length} bytes")} is larger than the {maxBodyBytes} bytes this server reads " +
        $"(4 times {InferenceProtocolOptions.Section}:{nameof(InferenceProtocolOptions.MaxRequestBytes)}, plus 1 MiB); send large tensors over gRPC.");

    private static long[] ReadShape(JsonElement input, string name)
    {
        var shape = Property(input, "shape", JsonValueKind.Array, $"input '{name}'")
            ?? throw EdgeClusterException.InvalidArgument($"Input '{name}' has no 'shape'.");
        return shape.EnumerateArray().Select(d => d.ValueKind == JsonValueKind.Number && d.TryGetInt64(out var size)
            ? size
            : throw EdgeClusterException.InvalidArgument($"Input '{name}' has shape {Shorten(shape.GetRawText())}; dimensions must be integers.")).ToArray();
    }

    private static JsonElement? Property(JsonElement owner, string name, JsonValueKind kind, string what)
    {
        if (!owner.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == kind
            ? value
            : throw EdgeClusterException.InvalidArgument($"'{name}' of {what} must be a JSON {kind.ToString().ToLowerInvariant()}, not {Kind(value)}.");
    }

    private static string? OptionalString(JsonElement owner, string name, string what) =>
        Property(owner, name, JsonValueKind.String, what)?.GetString();

    private static string Kind(JsonElement value) => value.ValueKind.ToString().ToLowerInvariant();

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
