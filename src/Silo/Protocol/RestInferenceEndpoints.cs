using System.Text.Encodings.Web;
using System.Text.Json;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Silo.Protocol.V2;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace EdgeCluster.Silo.Protocol;

/// <summary>The protocol's HTTP/REST binding of <see cref="InferenceProtocolHandler"/> under <c>/v2</c>; errors answer <c>{"error": "..."}</c>.</summary>
public static class RestInferenceEndpoints
{
    private static readonly string[] ModelRoutes = ["/models/{name}", "/models/{name}/versions/{version}"];

    // Bodies are application/json, never embedded in HTML, so quotes in error messages stay readable.
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Maps the routes; inference bodies may be up to <paramref name="maxBodyBytes"/> long.</summary>
    public static void MapRestInference(this IEndpointRouteBuilder app, long maxBodyBytes)
    {
        var v2 = app.MapGroup("/v2");
        v2.MapGet("/health/live", (HttpContext http) =>
            WriteAsync(http, StatusCodes.Status200OK, json => json.WriteBoolean("live", InferenceProtocolHandler.ServerLive().Live)));
        v2.MapGet("/health/ready", (HttpContext http, InferenceProtocolHandler handler) =>
        {
            var ready = handler.ServerReady().Ready;
            return WriteAsync(http, ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable, json => json.WriteBoolean("ready", ready));
        });
        v2.MapGet(string.Empty, (HttpContext http) => WriteAsync(http, StatusCodes.Status200OK, json => WriteServerMetadata(json, InferenceProtocolHandler.ServerMetadata())));

        foreach (var route in ModelRoutes)
        {
            v2.MapGet(route, (HttpContext http, InferenceProtocolHandler handler, ILogger<InferenceProtocolHandler> logger) =>
                AnswerAsync(http, logger, "model metadata", async () =>
                {
                    var metadata = await handler.ModelMetadataAsync(new ModelMetadataRequest { Name = Name(http), Version = Version(http) });
                    await WriteAsync(http, StatusCodes.Status200OK, json => WriteModelMetadata(json, metadata));
                }));
            v2.MapGet(route + "/ready", (HttpContext http, InferenceProtocolHandler handler, ILogger<InferenceProtocolHandler> logger) =>
                AnswerAsync(http, logger, "model ready", async () =>
                {
                    var ready = (await handler.ModelReadyAsync(new ModelReadyRequest { Name = Name(http), Version = Version(http) })).Ready;
                    await WriteAsync(http, ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable, json =>
                    {
                        json.WriteString("name", Name(http));
                        json.WriteBoolean("ready", ready);
                    });
                }));
            v2.MapPost(route + "/infer", (HttpContext http, InferenceProtocolHandler handler, IOptions<InferenceProtocolOptions> options, ILogger<InferenceProtocolHandler> logger) =>
                AnswerAsync(http, logger, "model infer", async () =>
                {
                    var request = await RestInferRequestReader.ReadAsync(http.Request, Name(http), Version(http), options.Value.RestMaxBodyBytes, http.RequestAborted);
                    var response = await handler.InferAsync(request, http.RequestAborted);
                    await WriteAsync(http, StatusCodes.Status200OK, json => WriteInferResponse(json, response));
                })).WithMetadata(new RequestSizeLimitAttribute(maxBodyBytes));
        }
    }

    private static string Name(HttpContext http) => http.GetRouteValue("name") as string ?? string.Empty;

    private static string Version(HttpContext http) => http.GetRouteValue("version") as string ?? string.Empty;

    private static async Task AnswerAsync(HttpContext http, ILogger logger, string operation, Func<Task> answer)
    {
        try
        {
            await answer();
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The caller left; there is nobody to answer.
        }
        catch (Exception exception) when (!http.Response.HasStarted)
        {
            var kind = ProtocolStatus.KindOf(exception);
            if (kind == EdgeClusterErrorKind.Internal)
            {
                ProtocolLog.Failed(logger, operation, exception);
            }

            await WriteAsync(http, ProtocolStatus.ToHttpStatus(kind), json => json.WriteString("error", exception.Message));
        }
    }

    private static async Task WriteAsync(HttpContext http, int status, Action<Utf8JsonWriter> writeProperties)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await using (var json = new Utf8JsonWriter(http.Response.BodyWriter, JsonOptions))
        {
            json.WriteStartObject();
            writeProperties(json);
            json.WriteEndObject();
        }

        await http.Response.BodyWriter.FlushAsync(http.RequestAborted);
    }

    private static void WriteServerMetadata(Utf8JsonWriter json, ServerMetadataResponse metadata)
    {
        json.WriteString("name", metadata.Name);
        json.WriteString("version", metadata.Version);
        json.WriteStartArray("extensions");
        foreach (var extension in metadata.Extensions)
        {
            json.WriteStringValue(extension);
        }

        json.WriteEndArray();
    }

    private static void WriteModelMetadata(Utf8JsonWriter json, ModelMetadataResponse metadata)
    {
        json.WriteString("name", metadata.Name);
        json.WriteStartArray("versions");
        foreach (var version in metadata.Versions)
        {
            json.WriteStringValue(version);
        }

        json.WriteEndArray();
        json.WriteString("platform", metadata.Platform);
        WriteTensorMetadata(json, "inputs", metadata.Inputs);
        WriteTensorMetadata(json, "outputs", metadata.Outputs);
    }

    private static void WriteTensorMetadata(Utf8JsonWriter json, string property, IEnumerable<ModelMetadataResponse.Types.TensorMetadata> tensors)
    {
        json.WriteStartArray(property);
        foreach (var tensor in tensors)
        {
            json.WriteStartObject();
            json.WriteString("name", tensor.Name);
            json.WriteString("datatype", tensor.Datatype);
            WriteShape(json, tensor.Shape);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteInferResponse(Utf8JsonWriter json, ModelInferResponse response)
    {
        json.WriteString("model_name", response.ModelName);
        json.WriteString("model_version", response.ModelVersion);
        json.WriteString("id", response.Id);
        json.WriteStartObject("parameters");
        foreach (var (name, parameter) in response.Parameters)
        {
            switch (parameter.ParameterChoiceCase)
            {
                case InferParameter.ParameterChoiceOneofCase.BoolParam: json.WriteBoolean(name, parameter.BoolParam); break;
                case InferParameter.ParameterChoiceOneofCase.Int64Param: json.WriteNumber(name, parameter.Int64Param); break;
                default: json.WriteString(name, parameter.StringParam); break;
            }
        }

        json.WriteEndObject();
        json.WriteStartArray("outputs");
        for (var i = 0; i < response.Outputs.Count; i++)
        {
            var output = response.Outputs[i];
            ProtocolDatatypes.TryParse(output.Datatype, out var type);
            json.WriteStartObject();
            json.WriteString("name", output.Name);
            json.WriteString("datatype", output.Datatype);
            WriteShape(json, output.Shape);
            json.WritePropertyName("data");
            var data = i < response.RawOutputContents.Count
                ? response.RawOutputContents[i].Span
                : TensorContentsCodec.Decode(output.Name, type, output.Contents);
            JsonTensorData.Write(json, type, data);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteShape(Utf8JsonWriter json, IEnumerable<long> shape)
    {
        json.WriteStartArray("shape");
        foreach (var dim in shape)
        {
            json.WriteNumberValue(dim);
        }

        json.WriteEndArray();
    }
}
