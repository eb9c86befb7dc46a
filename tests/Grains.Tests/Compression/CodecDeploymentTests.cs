using EdgeCluster.Grains.Inference;
using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Tensors;
using EdgeCluster.Grains.Tests.Cluster;
using EdgeCluster.Onnx.SampleModels;
using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Grains.Tests.Compression;

/// <summary>ResNet18 in three stages with compressed links, next to the fixture's uncompressed deployment on the same devices.</summary>
[Collection(EdgeClusterCollection.Name)]
public sealed class CodecDeploymentTests(EdgeClusterFixture fixture)
{
    [Theory]
    [InlineData(TensorEncoding.Float16, 2, 0.99999)]
    [InlineData(TensorEncoding.Int8, 4, 0.9999)]
    public async Task CodecDeployment_KeepsTheFeaturesAndMovesFewerBytes(TensorEncoding codec, int shrink, double minCosine)
    {
        var deployment = $"resnet18-{codec}".ToLowerInvariant();
        var status = await fixture.DeployAsync(deployment, new DeploymentSpec(EdgeClusterFixture.ResNet18Deployment, 3, [.. fixture.DeviceIds]) { Codec = codec });
        var origin = fixture.DeviceIds[0];
        var input = fixture.ResNet18Input(seed: 5);
        var exact = fixture.ResNet18Session.Run([input])[0];
        var (plainId, codedId) = (Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N"));

        var plain = await fixture.InferAsync(EdgeClusterFixture.ResNet18Deployment, origin, [input.ToPayload()], requestId: plainId);
        var coded = await fixture.InferAsync(deployment, origin, [input.ToPayload()], requestId: codedId);

        Assert.Equal([codec, codec, TensorEncoding.None], status.Route!.Stages.Select(s => s.Codec));
        var plainBytes = await BytesOffOriginAsync(plainId);
        var codedBytes = await BytesOffOriginAsync(codedId);
        Assert.Equal(plainBytes.Select(b => b / shrink), codedBytes);
        Assert.Equal(codedBytes, coded.Hops.Take(2).Select(h => h.BytesOut));
        var features = coded.Outputs.Single().ToNamedTensor();
        Assert.Equal(ResNet18.OutputName, features.Name);
        Assert.Equal(TensorEncoding.None, coded.Outputs.Single().Encoding);
        Assert.True(TensorComparison.CosineSimilarity(exact, features) >= minCosine, $"cosine {TensorComparison.CosineSimilarity(exact, features)}");
    }

    [Fact]
    public async Task UnknownCodec_IsRejectedAsInvalidArgument()
    {
        var spec = new DeploymentSpec(EdgeClusterFixture.ResNet18Deployment, 2, [.. fixture.DeviceIds.Take(2)]) { Codec = (TensorEncoding)9 };

        var error = await Assert.ThrowsAsync<EdgeClusterException>(() => fixture.DeployAsync("resnet18-bad-codec", spec));

        Assert.Equal(EdgeClusterErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("Tensor encoding 9 is unknown; use None, Float16, Int8.", error.Message);
    }

    // What devices 2 and 3 (stages 1 and 2) received, as their own call filters counted it.
    private async Task<long[]> BytesOffOriginAsync(string requestId)
    {
        var traffic = await fixture.TrafficAsync(requestId);
        return fixture.DeviceIds.Skip(1).Select(device => traffic[device].Sum(t => t.Bytes)).ToArray();
    }
}
