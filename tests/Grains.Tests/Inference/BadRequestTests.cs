using EdgeCluster.Grains.Inference;
using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Inference;
using EdgeCluster.Grains.Interfaces.Tensors;
using EdgeCluster.Grains.Tests.Cluster;
using EdgeCluster.Grains.Tests.Models;
using EdgeCluster.Onnx.SampleModels;

namespace EdgeCluster.Grains.Tests.Inference;

/// <summary>Every bad request fails with a kind the caller can act on and a message naming the culprit; the fleet keeps serving.</summary>
[Collection(EdgeClusterCollection.Name)]
public sealed class BadRequestTests(EdgeClusterFixture fixture) : IAsyncLifetime
{
    private const string Deployment = EdgeClusterFixture.ResNet18Deployment;

    private string Origin => fixture.DeviceIds[0];

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>After each bad request a valid one still gets the right answer.</summary>
    public Task DisposeAsync() => fixture.AssertServesResNet18Async();

    [Fact]
    public async Task WrongShape_IsInvalidArgument_NamingTheInputAndBothShapes()
    {
        var input = FloatInput(ResNet18.InputName, [1, 3, 112, 112]);

        var error = await InferFailsAsync(EdgeClusterErrorKind.InvalidArgument, input);

        Assert.Equal("Input 'Input247' has shape [1,3,112,112] but the model expects [1,3,224,224].", error.Message);
    }

    [Fact]
    public async Task WrongElementType_IsInvalidArgument_NamingTheInputAndBothTypes()
    {
        var input = new TensorPayload(ResNet18.InputName, TensorDataType.Double, [1, 3, 224, 224], new byte[3 * 224 * 224 * sizeof(double)]);

        var error = await InferFailsAsync(EdgeClusterErrorKind.InvalidArgument, input);

        Assert.Equal("Input 'Input247' is Double but the model expects Float.", error.Message);
    }

    [Fact]
    public async Task DataLengthNotMatchingShape_IsInvalidArgument()
    {
        var input = new TensorPayload(ResNet18.InputName, TensorDataType.Float, [1, 3, 224, 224], new byte[1000]);

        var error = await InferFailsAsync(EdgeClusterErrorKind.InvalidArgument, input);

        Assert.Equal("Input 'Input247' has 1000 data bytes but shape [1,3,224,224] of Float needs 602112.", error.Message);
    }

    [Fact]
    public async Task MissingInput_IsInvalidArgument_NamingTheMissingInput()
    {
        var error = await InferFailsAsync(EdgeClusterErrorKind.InvalidArgument);

        Assert.Equal("Input 'Input247' is missing; model 'resnet18' needs Input247.", error.Message);
    }

    [Fact]
    public async Task UnknownInputName_IsInvalidArgument_NamingItAndTheModelsInputs()
    {
        var error = await InferFailsAsync(EdgeClusterErrorKind.InvalidArgument, FloatInput("pixels", [1, 3, 224, 224]));

        Assert.Equal("Input 'pixels' is not an input of model 'resnet18' (inputs: Input247).", error.Message);
    }

    [Fact]
    public async Task UnknownOutputName_IsInvalidArgument_NamingItAndTheModelsOutputs()
    {
        var error = await Assert.ThrowsAsync<EdgeClusterException>(() =>
            fixture.InferAsync(Deployment, Origin, [fixture.ResNet18Input(seed: 4).ToPayload()], ["logits"]));

        Assert.Equal(EdgeClusterErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("Output 'logits' is not an output of model 'resnet18' (outputs: Pooling395_Output_0).", error.Message);
    }

    [Fact]
    public async Task UnknownDeployment_IsNotFound_NamingIt()
    {
        var error = await Assert.ThrowsAsync<EdgeClusterException>(() =>
            fixture.InferAsync("no-such-model", Origin, [fixture.ResNet18Input(seed: 5).ToPayload()]));

        Assert.Equal(EdgeClusterErrorKind.NotFound, error.Kind);
        Assert.Contains("'no-such-model'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OriginOtherThanTheEntryDevice_IsInvalidArgument()
    {
        var request = new InferenceRequest(
            "wrong-origin", Deployment, fixture.DeviceIds[1], [fixture.ResNet18Input(seed: 6).ToPayload()], []);
        var entry = fixture.Client.GetGrain<IPipelineStageGrain>(IPipelineStageGrain.KeyFor(Origin, Deployment, 0));

        var error = await Assert.ThrowsAsync<EdgeClusterException>(() => entry.InferAsync(request));

        Assert.Equal(EdgeClusterErrorKind.InvalidArgument, error.Kind);
        Assert.Equal(
            $"Request wrong-origin names origin device '{fixture.DeviceIds[1]}' but entered on '{Origin}'; raw input is only accepted on its own device.",
            error.Message);
    }

    [Fact]
    public async Task DeployingAnUnregisteredModel_IsNotFound_NamingIt()
    {
        var error = await Assert.ThrowsAsync<EdgeClusterException>(() =>
            fixture.DeployAsync("unregistered", new DeploymentSpec("no-such-model", 2, [])));

        Assert.Equal(EdgeClusterErrorKind.NotFound, error.Kind);
        Assert.Equal("Model 'no-such-model' is not registered; upload it first.", error.Message);
        var status = await fixture.Client.GetGrain<IDeploymentGrain>("unregistered").GetStatusAsync();
        Assert.Equal(DeploymentState.Failed, status.State);
    }

    [Fact]
    public async Task DeployingOnAnUnknownDevice_IsNotFound_NamingItAndTheFleet()
    {
        var error = await Assert.ThrowsAsync<EdgeClusterException>(() =>
            fixture.DeployAsync("resnet18-ghost", new DeploymentSpec(Deployment, 2, [Origin, "ghost-device"])));

        Assert.Equal(EdgeClusterErrorKind.NotFound, error.Kind);
        Assert.Equal(
            $"Device 'ghost-device' does not exist; devices in the fleet: {string.Join(", ", fixture.DeviceIds.Order(StringComparer.Ordinal))}.",
            error.Message);
    }

    [Fact]
    public async Task MoreStagesThanATinyModelHasCutPoints_IsFailedPrecondition()
    {
        await fixture.RegisterAsync("two-node-chain", TestModels.TwoNodeChain());

        var error = await Assert.ThrowsAsync<EdgeClusterException>(() =>
            fixture.DeployAsync("two-node-chain", new DeploymentSpec("two-node-chain", 3, [])));

        Assert.Equal(EdgeClusterErrorKind.FailedPrecondition, error.Kind);
        Assert.StartsWith("Model 'two-node-chain' cannot be split: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("cannot make 3 stages (at most 2)", error.Message, StringComparison.Ordinal);
    }

    private static TensorPayload FloatInput(string name, long[] shape) =>
        new(name, TensorDataType.Float, shape, new byte[shape.Aggregate(1L, (a, b) => a * b) * sizeof(float)]);

    private async Task<EdgeClusterException> InferFailsAsync(EdgeClusterErrorKind kind, params TensorPayload[] inputs)
    {
        var error = await Assert.ThrowsAsync<EdgeClusterException>(() => fixture.InferAsync(Deployment, Origin, inputs));
        Assert.Equal(kind, error.Kind);
        return error;
    }
}
