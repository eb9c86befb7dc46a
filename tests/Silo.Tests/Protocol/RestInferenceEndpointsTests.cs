using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using EdgeCluster.Onnx.SampleModels;
using EdgeCluster.Onnx.Tensors;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeCluster.Silo.Tests.Protocol;

/// <summary>The protocol's REST routes on real silos, through a plain HttpClient and hand-written JSON.</summary>
[Collection(ProtocolFleetCollection.Name)]
public sealed class RestInferenceEndpointsTests(ProtocolFleetFixture fleet)
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task HealthLiveAndReady_Answer200OnEverySilo(int silo)
    {
        Assert.Equal((HttpStatusCode.OK, """{"live":true}"""), await GetAsync(silo, "/v2/health/live"));
        Assert.Equal((HttpStatusCode.OK, """{"ready":true}"""), await GetAsync(silo, "/v2/health/ready"));
    }

    [Fact]
    public async Task ServerMetadata_AnswersNameVersionAndExtensions()
    {
        var (status, body) = await GetAsync(1, "/v2");

        Assert.Equal(HttpStatusCode.OK, status);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("edgecluster", json.RootElement.GetProperty("name").GetString());
        Assert.Equal(0, json.RootElement.GetProperty("extensions").GetArrayLength());
    }

    [Theory]
    [InlineData("/v2/models/resnet18")]
    [InlineData("/v2/models/resnet18/versions/1")]
    public async Task ModelMetadata_DescribesResNet18(string path)
    {
        Assert.Equal(
            (HttpStatusCode.OK, """{"name":"resnet18","versions":["1"],"platform":"onnxruntime_onnx","inputs":[{"name":"Input247","datatype":"FP32","shape":[1,3,224,224]}],"outputs":[{"name":"Pooling395_Output_0","datatype":"FP32","shape":[1,512,1,1]}]}"""),
            await GetAsync(2, path));
    }

    [Theory]
    [InlineData("/v2/models/resnet18/ready", HttpStatusCode.OK, """{"name":"resnet18","ready":true}""")]
    [InlineData("/v2/models/resnet18/versions/1/ready", HttpStatusCode.OK, """{"name":"resnet18","ready":true}""")]
    [InlineData("/v2/models/broken/ready", HttpStatusCode.ServiceUnavailable, """{"name":"broken","ready":false}""")]
    [InlineData("/v2/models/resnet50/ready", HttpStatusCode.NotFound, """{"error":"Model 'resnet50' is not deployed on this fleet (deploy it first; model names are deployment names)."}""")]
    [InlineData("/v2/models/resnet18/versions/2", HttpStatusCode.NotFound, """{"error":"Model 'resnet18' has no version '2'; its only version is '1'."}""")]
    public async Task ModelReadyAndMetadata_AnswerTheModelsState(string path, HttpStatusCode status, string body)
    {
        Assert.Equal((status, body), await GetAsync(0, path));
    }

    [Theory]
    [InlineData("/v2/models/resnet18/infer")]
    [InlineData("/v2/models/resnet18/versions/1/infer")]
    public async Task Infer_ResNet18_MatchesTheWholeModel(string path)
    {
        var input = fleet.ResNetInput;
        var id = "rest-" + Guid.NewGuid().ToString("N");
        var body = $$"""{"id":"{{id}}","inputs":[{"name":"{{input.Name}}","shape":[1,3,224,224],"datatype":"FP32","data":{{FloatsJson(input.AsFloats())}}}]}""";

        var (status, answer) = await PostAsync(2, path, body);

        Assert.Equal(HttpStatusCode.OK, status);
        using var json = JsonDocument.Parse(answer);
        var root = json.RootElement;
        Assert.Equal(("resnet18", "1", id, fleet.Device(2)), (root.GetProperty("model_name").GetString(), root.GetProperty("model_version").GetString(), root.GetProperty("id").GetString(), root.GetProperty("parameters").GetProperty("device").GetString()));
        var output = Assert.Single(root.GetProperty("outputs").EnumerateArray().ToArray());
        Assert.Equal((ResNet18.OutputName, "FP32", "[1,512,1,1]"), (output.GetProperty("name").GetString(), output.GetProperty("datatype").GetString(), output.GetProperty("shape").GetRawText()));
        var actual = NamedTensor.FromFloats(ResNet18.OutputName, [1, 512, 1, 1], output.GetProperty("data").EnumerateArray().Select(v => v.GetSingle()).ToArray());
        Assert.InRange(TensorComparison.MaxAbsDiff(fleet.ResNetExpected, actual), 0, 1e-5);
    }

    [Fact]
    public async Task Infer_RequestedOutputs_FilterTheResponse()
    {
        var inputs = string.Join(",", fleet.TwoBranchInputs.Select(t =>
            $$"""{"name":"{{t.Name}}","shape":{{JsonSerializer.Serialize(t.Shape)}},"datatype":"FP32","data":{{FloatsJson(t.AsFloats())}}}"""));

        var (status, answer) = await PostAsync(1, "/v2/models/two-branch/infer", $$"""{"inputs":[{{inputs}}],"outputs":[{"name":"logits"}]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        using var json = JsonDocument.Parse(answer);
        var output = Assert.Single(json.RootElement.GetProperty("outputs").EnumerateArray().ToArray());
        Assert.Equal(TwoBranchModel.LogitsOutput, output.GetProperty("name").GetString());
        var actual = NamedTensor.FromFloats(TwoBranchModel.LogitsOutput, [1, 10], output.GetProperty("data").EnumerateArray().Select(v => v.GetSingle()).ToArray());
        Assert.InRange(TensorComparison.MaxAbsDiff(fleet.TwoBranchExpected[TwoBranchModel.LogitsOutput], actual), 0, 1e-5);
    }

    [Fact]
    public async Task Infer_EveryType_RoundTripsThroughJson()
    {
        var inputs = string.Join(",", TestModels.TypedTypes.Select(type =>
            $$"""{"name":"{{TestModels.InputOf(type)}}","shape":[2,3],"datatype":"{{ProtocolRequests.Datatype(type)}}","data":{{SampleValues.For(type).Json}}}"""));

        var (status, answer) = await PostAsync(0, "/v2/models/typed/infer", $$"""{"inputs":[{{inputs}}]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        using var json = JsonDocument.Parse(answer);
        var outputs = json.RootElement.GetProperty("outputs").EnumerateArray().ToArray();
        Assert.Equal(TestModels.TypedTypes.Select(TestModels.OutputOf), outputs.Select(o => o.GetProperty("name").GetString()));
        foreach (var (type, output) in TestModels.TypedTypes.Zip(outputs))
        {
            Assert.Equal((ProtocolRequests.Datatype(type), "[2,3]"), (output.GetProperty("datatype").GetString(), output.GetProperty("shape").GetRawText()));
            Assert.Equal(SampleValues.For(type).Raw, JsonToBytes(type, output.GetProperty("data")));
        }
    }

    [Fact]
    public async Task Infer_Fp16_RoundTripsThroughJsonNumbers()
    {
        var values = SampleValues.For(TensorElementType.Float16);

        var (status, answer) = await PostAsync(1, "/v2/models/half/infer",
            $$"""{"inputs":[{"name":"x_float16","shape":[2,3],"datatype":"FP16","data":{{values.Json}}}]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        using var json = JsonDocument.Parse(answer);
        var output = json.RootElement.GetProperty("outputs")[0];
        Assert.Equal(("FP16", "[-1.5,0,0.099975586,65504,5.9604645E-08,-2]"), (output.GetProperty("datatype").GetString(), output.GetProperty("data").GetRawText()));
    }

    public static TheoryData<string, string, HttpStatusCode, string> Errors => new()
    {
        { "typed", """{"inputs":[{"name":"x_float","shape":[2,2],"datatype":"FP32","data":[1,2,3,4]}]}""", HttpStatusCode.BadRequest, "Input 'x_float' has shape [2,2] but model 'typed' expects [n,3]." },
        { "typed", """{"inputs":[{"name":"x_float","shape":[1,3],"datatype":"INT32","data":[1,2,3]}]}""", HttpStatusCode.BadRequest, "Input 'x_float' is INT32 but model 'typed' expects FP32." },
        { "typed", """{"inputs":[{"name":"x_float","shape":[1,3],"datatype":"FP32","data":[1,2]}]}""", HttpStatusCode.BadRequest, "Input 'x_float' holds 2 FP32 values (8 bytes) but shape [1,3] needs 3 (12 bytes)." },
        { "typed", """{"inputs":[{"name":"x_int8","shape":[1,3],"datatype":"INT8","data":[1,300,2]}]}""", HttpStatusCode.BadRequest, "Input 'x_int8' is INT8 but value 1 is 300; expected an integer from -128 to 127." },
        { "typed", """{"inputs":[{"name":"x_bool","shape":[1,3],"datatype":"BOOL","data":[1,0,1]}]}""", HttpStatusCode.BadRequest, "Input 'x_bool' is BOOL but value 0 is 1; expected true or false." },
        { "typed", """{"inputs":[{"name":"x_float","shape":[1,3],"datatype":"FP128","data":[1,2,3]}]}""", HttpStatusCode.BadRequest, "Input 'x_float' has datatype 'FP128', which is not one of BOOL, UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64, FP16, FP32, FP64, BF16." },
        { "typed", """{"inputs":[{"name":"x_float","shape":[1,3],"datatype":"FP32"}]}""", HttpStatusCode.BadRequest, "Input 'x_float' has no 'data'." },
        { "typed", """{"inputs":{"name":"x_float"}}""", HttpStatusCode.BadRequest, "'inputs' of the request must be a JSON array, not object." },
        { "typed", """{"inputs":[""", HttpStatusCode.BadRequest, "The request body is not valid JSON: " },
        { "resnet50", """{"inputs":[]}""", HttpStatusCode.NotFound, "Model 'resnet50' is not deployed on this fleet (deploy it first; model names are deployment names)." },
        { "resnet18/versions/2", """{"inputs":[]}""", HttpStatusCode.NotFound, "Model 'resnet18' has no version '2'; its only version is '1'." },
        { "typed", """{"inputs":[{"name":"x_float","shape":[3000000,3],"datatype":"FP32","data":[]}]}""", HttpStatusCode.TooManyRequests, "Request for model 'typed' carries 36000000 bytes of input tensors ('x_float' 36000000), more than the 33554432 this server accepts (EdgeCluster:InferenceProtocol:MaxRequestBytes)." },
        { "typed", OversizeBody, HttpStatusCode.TooManyRequests, "Request for model 'typed' carries 33554448 bytes of input tensors ('x_double' 33554448), more than the 33554432 this server accepts (EdgeCluster:InferenceProtocol:MaxRequestBytes)." },
        { "broken", """{"inputs":[]}""", HttpStatusCode.ServiceUnavailable, "Model 'broken' is not ready: its last deployment failed (" },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public async Task Infer_BadRequest_AnswersItsStatusAndAnErrorNamingTheProblem(string model, string body, HttpStatusCode status, string error)
    {
        var (actualStatus, answer) = await PostAsync(1, $"/v2/models/{model}/infer", body == OversizeBody ? OversizeJson() : body);

        Assert.Equal(status, actualStatus);
        using var json = JsonDocument.Parse(answer);
        Assert.StartsWith(error, json.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.OK, """{"live":true}"""), await GetAsync(1, "/v2/health/live"));
    }

    // Stands for the 8 MB body in the theory data, which would otherwise become part of the test's name.
    private const string OversizeBody = "(oversize)";

    // Just over the silos' 32 MiB limit once decoded, though the JSON itself is about 8 MB.
    private static string OversizeJson() =>
        """{"inputs":[{"name":"x_double","shape":[1398102,3],"datatype":"FP64","data":[""" + string.Join(",", Enumerable.Repeat("0", 1398102 * 3)) + "]}]}";

    private static string FloatsJson(ReadOnlySpan<float> values)
    {
        var text = new StringBuilder("[");
        foreach (var value in values)
        {
            text.Append(value.ToString("R", CultureInfo.InvariantCulture)).Append(',');
        }

        text[^1] = ']';
        return text.ToString();
    }

    private static byte[] JsonToBytes(TensorElementType type, JsonElement data)
    {
        var values = data.EnumerateArray().ToArray();
        return type switch
        {
            TensorElementType.Bool => values.Select(v => v.GetBoolean() ? (byte)1 : (byte)0).ToArray(),
            TensorElementType.UInt8 => values.Select(v => v.GetByte()).ToArray(),
            TensorElementType.Int8 => Bytes(values.Select(v => v.GetSByte()).ToArray()),
            TensorElementType.Int16 => Bytes(values.Select(v => v.GetInt16()).ToArray()),
            TensorElementType.Int32 => Bytes(values.Select(v => v.GetInt32()).ToArray()),
            TensorElementType.Int64 => Bytes(values.Select(v => v.GetInt64()).ToArray()),
            TensorElementType.Float => Bytes(values.Select(v => v.GetSingle()).ToArray()),
            TensorElementType.Double => Bytes(values.Select(v => v.GetDouble()).ToArray()),
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not used by these tests"),
        };
    }

    private static byte[] Bytes<T>(T[] values)
        where T : unmanaged => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    private async Task<(HttpStatusCode Status, string Body)> GetAsync(int silo, string path)
    {
        using var response = await fleet.Http.GetAsync(new Uri(fleet.HttpEndpoint(silo), path));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(int silo, string path, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await fleet.Http.PostAsync(new Uri(fleet.HttpEndpoint(silo), path), content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
