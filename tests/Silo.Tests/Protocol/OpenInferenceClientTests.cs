using EdgeCluster.Client.Fleet;
using EdgeCluster.Client.Protocol;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Tensors;
using EdgeCluster.Onnx.SampleModels;
using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Silo.Tests.Protocol;

/// <summary>The typed gRPC client and the grain client behind one <see cref="IInferenceClient"/>, against real silos.</summary>
[Collection(ProtocolFleetCollection.Name)]
public sealed class OpenInferenceClientTests(ProtocolFleetFixture fleet)
{
    [Fact]
    public async Task InferAsync_OverGrpcAndOverGrains_BothMatchTheWholeModel()
    {
        using var grpc = new OpenInferenceClient(new OpenInferenceClientOptions(fleet.GrpcEndpoint(0)));
        IInferenceClient[] clients = [grpc, new GrainInferenceClient(fleet.Cluster, fleet.Device(0))];

        foreach (var client in clients)
        {
            var outcome = await client.InferAsync(ProtocolFleetFixture.ResNet, [fleet.ResNetInput], requestId: "both-" + client.GetType().Name);

            Assert.Equal(("both-" + client.GetType().Name, fleet.Device(0)), (outcome.RequestId, outcome.Device));
            Assert.InRange(TensorComparison.MaxAbsDiff(fleet.ResNetExpected, Assert.Single(outcome.Outputs)), 0, 1e-5);
        }
    }

    [Fact]
    public async Task InferAsync_GrainClient_ReportsEveryStage()
    {
        var outcome = await new GrainInferenceClient(fleet.Cluster, fleet.Device(1)).InferAsync(ProtocolFleetFixture.ResNet, [fleet.ResNetInput]);

        Assert.Equal([0, 1, 2], outcome.Hops.Select(h => h.Stage));
        Assert.Equal(fleet.Device(1), outcome.Hops[0].Device);
    }

    [Fact]
    public async Task InferAsync_TypedContentsAndRequestedOutput_MatchTheWholeModel()
    {
        using var client = new OpenInferenceClient(new OpenInferenceClientOptions(fleet.GrpcEndpoint(2)) { RawContents = false });

        var outcome = await client.InferAsync(ProtocolFleetFixture.TwoBranch, fleet.TwoBranchInputs, [TwoBranchModel.LogitsOutput]);

        var logits = Assert.Single(outcome.Outputs);
        Assert.Equal(TwoBranchModel.LogitsOutput, logits.Name);
        Assert.InRange(TensorComparison.MaxAbsDiff(fleet.TwoBranchExpected[TwoBranchModel.LogitsOutput], logits), 0, 1e-5);
    }

    [Fact]
    public async Task GetSignatureAsync_OverGrpcAndOverGrains_AgreeOnResNet18()
    {
        using var grpc = new OpenInferenceClient(new OpenInferenceClientOptions(fleet.GrpcEndpoint(1)));
        IInferenceClient[] clients = [grpc, new GrainInferenceClient(fleet.Cluster, fleet.Device(1))];

        foreach (var client in clients)
        {
            var signature = await client.GetSignatureAsync(ProtocolFleetFixture.ResNet);

            Assert.Equal("resnet18", signature.Name);
            Assert.Equal(new TensorSignature(ResNet18.InputName, TensorDataType.Float, ["1", "3", "224", "224"]).ToString(), Assert.Single(signature.Inputs).ToString());
            Assert.Equal(new TensorSignature(ResNet18.OutputName, TensorDataType.Float, ["1", "512", "1", "1"]).ToString(), Assert.Single(signature.Outputs).ToString());
        }
    }

    [Fact]
    public async Task HealthAndMetadata_AnswerForTheServerAndItsModels()
    {
        using var client = new OpenInferenceClient(new OpenInferenceClientOptions(fleet.GrpcEndpoint(2)));

        Assert.True(await client.IsServerLiveAsync());
        Assert.True(await client.IsServerReadyAsync());
        Assert.True(await client.IsModelReadyAsync(ProtocolFleetFixture.ResNet));
        Assert.False(await client.IsModelReadyAsync(ProtocolFleetFixture.Broken));
        Assert.Equal("edgecluster", (await client.GetServerMetadataAsync()).Name);
    }

    [Fact]
    public async Task InferAsync_UnknownModel_FailsNotFound()
    {
        using var client = new OpenInferenceClient(new OpenInferenceClientOptions(fleet.GrpcEndpoint(0)));

        var error = await Assert.ThrowsAsync<EdgeClusterException>(() => client.InferAsync("resnet50", [fleet.ResNetInput]));

        Assert.Equal((EdgeClusterErrorKind.NotFound, "Model 'resnet50' is not deployed on this fleet (deploy it first; model names are deployment names)."), (error.Kind, error.Message));
    }

    [Fact]
    public async Task InferAsync_Unavailable_IsRetriedThenReported()
    {
        using var client = new OpenInferenceClient(new OpenInferenceClientOptions(fleet.GrpcEndpoint(0)) { MaxRetries = 2, RetryDelay = TimeSpan.FromMilliseconds(10) });

        var error = await Assert.ThrowsAsync<EdgeClusterException>(() => client.InferAsync(ProtocolFleetFixture.Broken, [fleet.ResNetInput]));

        Assert.Equal(EdgeClusterErrorKind.Unavailable, error.Kind);
        Assert.StartsWith("Model 'broken' is not ready: its last deployment failed (", error.Message, StringComparison.Ordinal);
        Assert.EndsWith(" (after 3 attempts)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InferAsync_NobodyListening_FailsUnavailableAfterItsRetries()
    {
        var endpoint = new Uri($"http://127.0.0.1:{FreePorts.Take(1)[0]}");
        using var client = new OpenInferenceClient(new OpenInferenceClientOptions(endpoint) { MaxRetries = 1, RetryDelay = TimeSpan.FromMilliseconds(10) });

        var error = await Assert.ThrowsAsync<EdgeClusterException>(() => client.InferAsync(ProtocolFleetFixture.ResNet, [fleet.ResNetInput]));

        Assert.Equal(EdgeClusterErrorKind.Unavailable, error.Kind);
        Assert.StartsWith($"{endpoint} is unavailable: ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith(" (after 2 attempts)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InferAsync_DeadlineTooShortForThePipeline_FailsUnavailableNamingTheDeadline()
    {
        using var client = new OpenInferenceClient(new OpenInferenceClientOptions(fleet.GrpcEndpoint(1)) { Timeout = TimeSpan.FromMilliseconds(1) });

        var error = await Assert.ThrowsAsync<EdgeClusterException>(() => client.InferAsync(ProtocolFleetFixture.ResNet, [fleet.ResNetInput]));

        Assert.Equal((EdgeClusterErrorKind.Unavailable, $"{fleet.GrpcEndpoint(1)} did not answer within 1 ms."), (error.Kind, error.Message));
    }

    [Fact]
    public async Task InferAsync_CancelledByTheCaller_ThrowsOperationCanceled()
    {
        using var client = new OpenInferenceClient(new OpenInferenceClientOptions(fleet.GrpcEndpoint(1)));
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.InferAsync(ProtocolFleetFixture.ResNet, [fleet.ResNetInput], cancellationToken: cancellation.Token));
    }
}
