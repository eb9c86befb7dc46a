using System.Reflection;
using EdgeCluster.Onnx.SampleModels;
using EdgeCluster.Onnx.Tensors;
using EdgeCluster.Silo.Protocol;
using EdgeCluster.Silo.Protocol.V2;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeCluster.Silo.Tests.Protocol;

/// <summary>inference.GRPCInferenceService on real silos, through the generated Grpc.Net.Client stub.</summary>
[Collection(ProtocolFleetCollection.Name)]
public sealed class GrpcInferenceServiceTests(ProtocolFleetFixture fleet)
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task ServerLiveAndReady_AreTrueOnEverySilo(int silo)
    {
        Assert.True((await fleet.Grpc(silo).ServerLiveAsync(new ServerLiveRequest())).Live);
        Assert.True((await fleet.Grpc(silo).ServerReadyAsync(new ServerReadyRequest())).Ready);
    }

    [Fact]
    public async Task ServerMetadata_NamesEdgeClusterAndItsVersion()
    {
        var metadata = await fleet.Grpc(0).ServerMetadataAsync(new ServerMetadataRequest());

        Assert.Equal("edgecluster", metadata.Name);
        Assert.Equal(typeof(InferenceProtocolHandler).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion, metadata.Version);
        Assert.Empty(metadata.Extensions);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1")]
    public async Task ModelReady_IsTrueForADeployedModel(string version)
    {
        var response = await fleet.Grpc(1).ModelReadyAsync(new ModelReadyRequest { Name = ProtocolFleetFixture.ResNet, Version = version });

        Assert.True(response.Ready);
    }

    [Fact]
    public async Task ModelReady_IsFalseWhenTheDeploymentFailed()
    {
        var response = await fleet.Grpc(0).ModelReadyAsync(new ModelReadyRequest { Name = ProtocolFleetFixture.Broken });

        Assert.False(response.Ready);
    }

    [Fact]
    public async Task ModelMetadata_DescribesResNet18AsRegistered()
    {
        var metadata = await fleet.Grpc(2).ModelMetadataAsync(new ModelMetadataRequest { Name = ProtocolFleetFixture.ResNet });

        Assert.Equal("resnet18", metadata.Name);
        Assert.Equal(["1"], metadata.Versions);
        Assert.Equal("onnxruntime_onnx", metadata.Platform);
        var input = Assert.Single(metadata.Inputs);
        Assert.Equal((ResNet18.InputName, "FP32", "1,3,224,224"), (input.Name, input.Datatype, string.Join(",", input.Shape)));
        var output = Assert.Single(metadata.Outputs);
        Assert.Equal((ResNet18.OutputName, "FP32", "1,512,1,1"), (output.Name, output.Datatype, string.Join(",", output.Shape)));
    }

    [Fact]
    public async Task ModelMetadata_MarksSymbolicDimensionsWithMinusOne()
    {
        var metadata = await fleet.Grpc(0).ModelMetadataAsync(new ModelMetadataRequest { Name = ProtocolFleetFixture.Typed, Version = "1" });

        Assert.Equal(TestModels.TypedTypes.Select(TestModels.InputOf), metadata.Inputs.Select(i => i.Name));
        Assert.Equal(["BOOL", "UINT8", "INT8", "INT16", "INT32", "INT64", "FP32", "FP64"], metadata.Inputs.Select(i => i.Datatype));
        Assert.All(metadata.Inputs, i => Assert.Equal([-1L, 3], i.Shape));
    }

    [Fact]
    public async Task ModelInfer_ResNet18WithRawContents_MatchesTheWholeModelAndStaysOnTheEntryDevice()
    {
        var request = ProtocolRequests.Raw(ProtocolFleetFixture.ResNet, fleet.ResNetInput);
        request.Id = "grpc-raw-" + Guid.NewGuid().ToString("N");

        var response = await fleet.Grpc(1).ModelInferAsync(request);

        Assert.Equal((request.Id, "resnet18", "1"), (response.Id, response.ModelName, response.ModelVersion));
        Assert.Equal(fleet.Device(1), response.Parameters[InferResponseWriter.DeviceParameter].StringParam);
        var output = Assert.Single(response.Outputs);
        Assert.Equal((ResNet18.OutputName, "FP32", "1,512,1,1"), (output.Name, output.Datatype, string.Join(",", output.Shape)));
        Assert.Null(output.Contents);
        var actual = NamedTensor.FromFloats(output.Name, [1, 512, 1, 1], ProtocolRequests.Floats(Assert.Single(response.RawOutputContents)));
        Assert.InRange(TensorComparison.MaxAbsDiff(fleet.ResNetExpected, actual), 0, 1e-5);
        Assert.Equal(0, await fleet.Cluster.BytesOffDeviceAsync(request.Id, fleet.Device(1), [ResNet18.InputName]));
    }

    [Fact]
    public async Task ModelInfer_ResNet18WithTypedContents_AnswersTypedContents()
    {
        var request = new ModelInferRequest { ModelName = ProtocolFleetFixture.ResNet, ModelVersion = "1", Id = "typed-1" };
        var input = ProtocolRequests.Input(ResNet18.InputName, "FP32", 1, 3, 224, 224);
        input.Contents = new InferTensorContents();
        input.Contents.Fp32Contents.AddRange(fleet.ResNetInput.AsFloats().ToArray());
        request.Inputs.Add(input);

        var response = await fleet.Grpc(2).ModelInferAsync(request);

        Assert.Equal("typed-1", response.Id);
        Assert.Empty(response.RawOutputContents);
        var output = Assert.Single(response.Outputs);
        var actual = NamedTensor.FromFloats(output.Name, [1, 512, 1, 1], output.Contents.Fp32Contents.ToArray());
        Assert.InRange(TensorComparison.MaxAbsDiff(fleet.ResNetExpected, actual), 0, 1e-5);
    }

    [Fact]
    public async Task ModelInfer_RequestedOutputs_FilterTheResponse()
    {
        var request = ProtocolRequests.Raw(ProtocolFleetFixture.TwoBranch, [.. fleet.TwoBranchInputs]);
        request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = TwoBranchModel.EmbeddingOutput });

        var response = await fleet.Grpc(0).ModelInferAsync(request);

        var output = Assert.Single(response.Outputs);
        Assert.Equal((TwoBranchModel.EmbeddingOutput, "1,32"), (output.Name, string.Join(",", output.Shape)));
        var actual = NamedTensor.FromFloats(output.Name, [1, 32], ProtocolRequests.Floats(response.RawOutputContents[0]));
        Assert.InRange(TensorComparison.MaxAbsDiff(fleet.TwoBranchExpected[TwoBranchModel.EmbeddingOutput], actual), 0, 1e-5);
    }

    [Fact]
    public async Task ModelInfer_WithoutRequestedOutputs_AnswersEveryOutputInModelOrder()
    {
        var response = await fleet.Grpc(2).ModelInferAsync(ProtocolRequests.Raw(ProtocolFleetFixture.TwoBranch, [.. fleet.TwoBranchInputs]));

        Assert.Equal([TwoBranchModel.LogitsOutput, TwoBranchModel.EmbeddingOutput], response.Outputs.Select(o => o.Name));
    }

    [Fact]
    public async Task ModelInfer_EveryTypedType_RoundTripsThroughTypedContents()
    {
        var request = new ModelInferRequest { ModelName = ProtocolFleetFixture.Typed };
        foreach (var type in TestModels.TypedTypes)
        {
            var input = ProtocolRequests.Input(TestModels.InputOf(type), ProtocolRequests.Datatype(type), SampleValues.Shape);
            input.Contents = SampleValues.For(type).Contents;
            request.Inputs.Add(input);
        }

        var response = await fleet.Grpc(0).ModelInferAsync(request);

        Assert.Empty(response.RawOutputContents);
        Assert.Equal(TestModels.TypedTypes.Select(TestModels.OutputOf), response.Outputs.Select(o => o.Name));
        foreach (var (type, output) in TestModels.TypedTypes.Zip(response.Outputs))
        {
            Assert.Equal(ProtocolRequests.Datatype(type), output.Datatype);
            Assert.Equal(SampleValues.Shape, output.Shape);
            Assert.Equal(SampleValues.For(type).Contents, output.Contents);
        }
    }

    [Fact]
    public async Task ModelInfer_EveryTypedType_RoundTripsThroughRawContents()
    {
        var request = ProtocolRequests.Raw(ProtocolFleetFixture.Typed, TestModels.TypedTypes
            .Select(type => new NamedTensor(TestModels.InputOf(type), type, SampleValues.Shape, SampleValues.For(type).Raw)).ToArray());

        var response = await fleet.Grpc(1).ModelInferAsync(request);

        Assert.Equal(TestModels.TypedTypes.Select(type => SampleValues.For(type).Raw), response.RawOutputContents.Select(r => r.ToByteArray()));
        Assert.All(response.Outputs, o => Assert.Null(o.Contents));
    }

    [Fact]
    public async Task ModelInfer_Fp16_RoundTripsThroughRawContents()
    {
        var values = SampleValues.For(TensorElementType.Float16);
        var request = ProtocolRequests.Raw(ProtocolFleetFixture.Half, new NamedTensor(TestModels.InputOf(TensorElementType.Float16), TensorElementType.Float16, SampleValues.Shape, values.Raw));

        var response = await fleet.Grpc(1).ModelInferAsync(request);

        var output = Assert.Single(response.Outputs);
        Assert.Equal(("FP16", "2,3"), (output.Datatype, string.Join(",", output.Shape)));
        Assert.Equal(values.Raw, response.RawOutputContents[0].ToByteArray());
    }

    public static TheoryData<string, StatusCode, string> Errors => new()
    {
        { "shape", StatusCode.InvalidArgument, "Input 'Input247' has shape [1,3,224,225] but model 'resnet18' expects [1,3,224,224]." },
        { "type", StatusCode.InvalidArgument, "Input 'Input247' is INT64 but model 'resnet18' expects FP32." },
        { "bytes", StatusCode.InvalidArgument, "Input 'Input247' holds 25 FP32 values (100 bytes) but shape [1,3,224,224] needs 150528 (602112 bytes)." },
        { "partial value", StatusCode.InvalidArgument, "Input 'Input247' has 101 bytes of data, not a whole number of 4-byte FP32 values; shape [1,3,224,224] needs 602112 bytes." },
        { "typed count", StatusCode.InvalidArgument, "Input 'Input247' holds 10 values in fp32_contents but shape [1,3,224,224] of FP32 needs 150528." },
        { "unknown datatype", StatusCode.InvalidArgument, "Input 'Input247' has datatype 'FP8', which is not one of BOOL, UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64, FP16, FP32, FP64, BF16." },
        { "unknown input", StatusCode.InvalidArgument, "Input 'pixels' is not an input of model 'resnet18' (inputs: Input247: FP32[1,3,224,224])." },
        { "missing input", StatusCode.InvalidArgument, "Input 'features' is missing; model 'two-branch' needs image: FP32[1,3,32,32], features: FP32[1,16]." },
        { "duplicate input", StatusCode.InvalidArgument, "Input 'Input247' is given more than once." },
        { "unknown output", StatusCode.InvalidArgument, "Output 'logits' is not an output of model 'resnet18' (outputs: Pooling395_Output_0: FP32[1,512,1,1])." },
        { "raw and typed", StatusCode.InvalidArgument, "Input 'Input247' has typed contents but the request also uses raw_input_contents; send every input one way." },
        { "raw count", StatusCode.InvalidArgument, "raw_input_contents has 2 entries but the request has 1 inputs; give one per input, in the order of inputs." },
        { "int8 range", StatusCode.InvalidArgument, "Input 'x_int8' is INT8 but value 1 is 300, outside the range of INT8." },
        { "typed fp16", StatusCode.InvalidArgument, "Input 'x_float16' is FP16, which has no typed contents field; send it in raw_input_contents." },
        { "unknown model", StatusCode.NotFound, "Model 'resnet50' is not deployed on this fleet (deploy it first; model names are deployment names)." },
        { "unknown version", StatusCode.NotFound, "Model 'resnet18' has no version '2'; its only version is '1'." },
        { "oversize", StatusCode.ResourceExhausted, "Request for model 'resnet18' carries 33554436 bytes of input tensors ('Input247' 33554436), more than the 33554432 this server accepts (EdgeCluster:InferenceProtocol:MaxRequestBytes)." },
        { "oversize shape", StatusCode.ResourceExhausted, "Request for model 'resnet18' carries 38535168 bytes of input tensors ('Input247' 38535168), more than the 33554432 this server accepts (EdgeCluster:InferenceProtocol:MaxRequestBytes)." },
        { "failed deployment", StatusCode.Unavailable, "Model 'broken' is not ready: its last deployment failed (" },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public async Task ModelInfer_BadRequest_FailsWithItsStatusCodeAndANamingMessage(string error, StatusCode code, string message)
    {
        var exception = await Assert.ThrowsAsync<RpcException>(() => fleet.Grpc(0).ModelInferAsync(BadRequest(error)).ResponseAsync);

        // The failed deployment's own reason comes from the deployment grain; the message starts with ours.
        Assert.Equal(code, exception.StatusCode);
        Assert.StartsWith(message, exception.Status.Detail, StringComparison.Ordinal);
        Assert.True((await fleet.Grpc(0).ServerLiveAsync(new ServerLiveRequest())).Live);
    }

    [Theory]
    [InlineData("resnet50", "", "Model 'resnet50' is not deployed on this fleet (deploy it first; model names are deployment names).")]
    [InlineData("resnet18", "2", "Model 'resnet18' has no version '2'; its only version is '1'.")]
    public async Task ModelReadyAndMetadata_UnknownModelOrVersion_AreNotFound(string name, string version, string message)
    {
        var ready = await Assert.ThrowsAsync<RpcException>(() => fleet.Grpc(2).ModelReadyAsync(new ModelReadyRequest { Name = name, Version = version }).ResponseAsync);
        var metadata = await Assert.ThrowsAsync<RpcException>(() => fleet.Grpc(2).ModelMetadataAsync(new ModelMetadataRequest { Name = name, Version = version }).ResponseAsync);

        Assert.Equal((StatusCode.NotFound, message), (ready.StatusCode, ready.Status.Detail));
        Assert.Equal((StatusCode.NotFound, message), (metadata.StatusCode, metadata.Status.Detail));
    }

    private ModelInferRequest BadRequest(string error)
    {
        var resnet = ProtocolRequests.Raw(ProtocolFleetFixture.ResNet, fleet.ResNetInput);
        switch (error)
        {
            case "shape":
                return ProtocolRequests.Raw(ProtocolFleetFixture.ResNet, fleet.ResNetInput with { Shape = [1, 3, 224, 225], Data = new byte[3 * 224 * 225 * 4] });
            case "type":
                return ProtocolRequests.Raw(ProtocolFleetFixture.ResNet, fleet.ResNetInput with { ElementType = TensorElementType.Int64, Data = new byte[150528 * 8] });
            case "bytes":
                return ProtocolRequests.Raw(ProtocolFleetFixture.ResNet, fleet.ResNetInput with { Data = new byte[100] });
            case "partial value":
                return ProtocolRequests.Raw(ProtocolFleetFixture.ResNet, fleet.ResNetInput with { Data = new byte[101] });
            case "typed count":
                var typed = new ModelInferRequest { ModelName = ProtocolFleetFixture.ResNet };
                typed.Inputs.Add(ProtocolRequests.Input(ResNet18.InputName, "FP32", 1, 3, 224, 224));
                typed.Inputs[0].Contents = new InferTensorContents();
                typed.Inputs[0].Contents.Fp32Contents.AddRange(new float[10]);
                return typed;
            case "unknown datatype":
                resnet.Inputs[0].Datatype = "FP8";
                return resnet;
            case "unknown input":
                resnet.Inputs[0].Name = "pixels";
                return resnet;
            case "missing input":
                return ProtocolRequests.Raw(ProtocolFleetFixture.TwoBranch, fleet.TwoBranchInputs[0]);
            case "duplicate input":
                return ProtocolRequests.Raw(ProtocolFleetFixture.ResNet, fleet.ResNetInput, fleet.ResNetInput);
            case "unknown output":
                resnet.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "logits" });
                return resnet;
            case "raw and typed":
                resnet.Inputs[0].Contents = new InferTensorContents();
                resnet.Inputs[0].Contents.Fp32Contents.Add(1f);
                return resnet;
            case "raw count":
                resnet.RawInputContents.Add(ByteString.CopyFrom(new byte[4]));
                return resnet;
            case "int8 range":
                var int8 = new ModelInferRequest { ModelName = ProtocolFleetFixture.Typed };
                int8.Inputs.Add(ProtocolRequests.Input(TestModels.InputOf(TensorElementType.Int8), "INT8", 1, 3));
                int8.Inputs[0].Contents = new InferTensorContents();
                int8.Inputs[0].Contents.IntContents.AddRange([1, 300, -1]);
                return int8;
            case "typed fp16":
                var half = new ModelInferRequest { ModelName = ProtocolFleetFixture.Half };
                half.Inputs.Add(ProtocolRequests.Input(TestModels.InputOf(TensorElementType.Float16), "FP16", 1, 3));
                half.Inputs[0].Contents = new InferTensorContents();
                half.Inputs[0].Contents.Fp32Contents.AddRange([1f, 2f, 3f]);
                return half;
            case "unknown model":
                resnet.ModelName = "resnet50";
                return resnet;
            case "unknown version":
                resnet.ModelVersion = "2";
                return resnet;
            case "oversize":
                return ProtocolRequests.Raw(ProtocolFleetFixture.ResNet, fleet.ResNetInput with { Data = new byte[ProtocolFleetFixture.MaxRequestBytes + 4] });
            case "oversize shape":
                var huge = new ModelInferRequest { ModelName = ProtocolFleetFixture.ResNet };
                huge.Inputs.Add(ProtocolRequests.Input(ResNet18.InputName, "FP32", 64, 3, 224, 224));
                return huge;
            case "failed deployment":
                resnet.ModelName = ProtocolFleetFixture.Broken;
                return resnet;
            default:
                throw new ArgumentOutOfRangeException(nameof(error), error, "no such case");
        }
    }
}
