using EdgeCluster.Client.Connection;
using EdgeCluster.Client.Telemetry;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Inference;
using EdgeCluster.Grains.Interfaces.Tensors;

namespace EdgeCluster.Client.Tests.Connection;

public sealed class InferenceRequestLimitTests
{
    [Fact]
    public async Task An_input_over_the_limit_is_refused_before_anything_is_sent_naming_its_tensors()
    {
        var large = new TensorPayload("image", TensorDataType.Float, [1, 16_777_217], new byte[InferenceRequestLimit.MaxInputBytes + 4]);
        var small = new TensorPayload("mask", TensorDataType.UInt8, [4], new byte[4]);
        var request = new InferenceRequest("r-1", "resnet18", "device-1", [large, small], []);

        // No grain factory: the request must fail before any call is made.
        var error = await Assert.ThrowsAsync<EdgeClusterException>(() => InferenceCall.InvokeAsync(null!, request));

        Assert.Equal(EdgeClusterErrorKind.ResourceExhausted, error.Kind);
        Assert.Equal(
            "Request r-1 carries 67108872 bytes of input tensors ('image' 67108868, 'mask' 4), more than the 67108864 one call to the fleet may carry.",
            error.Message);
    }

    [Fact]
    public void An_input_at_the_limit_passes()
    {
        var request = new InferenceRequest("r-2", "m", "device-1", [new TensorPayload("x", TensorDataType.UInt8, [InferenceRequestLimit.MaxInputBytes], new byte[InferenceRequestLimit.MaxInputBytes])], []);

        InferenceRequestLimit.Check(request);

        Assert.Equal(InferenceRequestLimit.MaxInputBytes, TensorPayload.TotalBytes(request.Inputs));
    }
}
