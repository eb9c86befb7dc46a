using EdgeCluster.Grains.Inference;
using EdgeCluster.Grains.Interfaces.Devices;
using EdgeCluster.Grains.Interfaces.Inference;
using EdgeCluster.Grains.Tests.Cluster;
using EdgeCluster.Onnx.SampleModels;
using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Grains.Tests.Inference;

[Collection(EdgeClusterCollection.Name)]
public sealed class ResNet18PipelineTests(EdgeClusterFixture fixture)
{
    private const long InputBytes = 1 * 3 * 224 * 224 * sizeof(float);
    private const long OutputBytes = 512 * sizeof(float);

    [Fact]
    public void Deployment_PlacesStageIOnDeviceI()
    {
        var route = fixture.ResNet18Route;

        Assert.Equal(EdgeClusterFixture.ResNet18Deployment, route.Deployment);
        Assert.Equal([ResNet18.InputName], route.ModelInputs);
        Assert.Equal([ResNet18.OutputName], route.ModelOutputs);
        Assert.Equal([0, 1, 2], route.Stages.Select(s => s.Index));
        Assert.Equal(fixture.DeviceIds, route.Stages.Select(s => s.DeviceId));
        Assert.Equal([ResNet18.InputName], route.Stages[0].InputNames);
        Assert.Equal([ResNet18.OutputName], route.Stages[^1].ForwardNames);
        Assert.Equal(1.0, route.Stages.Sum(s => s.FlopsShare), 6);
    }

    [Fact]
    public async Task EnteringAtStageZerosDevice_MatchesTheWholeModel_AndTheRawInputStaysThere()
    {
        var origin = fixture.DeviceIds[0];
        var input = fixture.ResNet18Input(seed: 1);

        var result = await fixture.InferAsync(EdgeClusterFixture.ResNet18Deployment, origin, [input]);

        AssertMatchesWholeModel(input, result);
        Assert.Equal(fixture.DeviceIds, result.Hops.Select(h => h.Device));
        Assert.Equal(3, result.Hops.Select(h => h.Device).Distinct().Count());
        AssertChained(result.Hops);

        var traffic = await fixture.TrafficAsync(result.RequestId);
        Assert.Equal([(ResNet18.InputName, InputBytes)], traffic[origin].Select(t => (t.TensorName, t.Bytes)));
        Assert.Equal(0, ReceivedOf(traffic[fixture.DeviceIds[1]], ResNet18.InputName));
        Assert.Equal(0, ReceivedOf(traffic[fixture.DeviceIds[2]], ResNet18.InputName));
        Assert.Equal(result.Hops[0].BytesOut, traffic[fixture.DeviceIds[1]].Sum(t => t.Bytes));
        Assert.Equal(result.Hops[1].BytesOut, traffic[fixture.DeviceIds[2]].Sum(t => t.Bytes));
        Assert.All(traffic.SelectMany(d => d.Value), t => Assert.Contains(t.DeviceId, fixture.DeviceIds));
    }

    [Fact]
    public async Task EnteringAtAnotherDevice_RunsStageZeroOnTheOrigin_AndTheRawInputStaysThere()
    {
        // The origin is stage 2's device, not stage 0's: stage 0 must still run where the input is.
        var origin = fixture.DeviceIds[2];
        var input = fixture.ResNet18Input(seed: 2);

        var result = await fixture.InferAsync(EdgeClusterFixture.ResNet18Deployment, origin, [input]);

        AssertMatchesWholeModel(input, result);
        Assert.Equal([origin, fixture.DeviceIds[1], fixture.DeviceIds[2]], result.Hops.Select(h => h.Device));
        AssertChained(result.Hops);

        var traffic = await fixture.TrafficAsync(result.RequestId);
        Assert.Equal(InputBytes, ReceivedOf(traffic[origin], ResNet18.InputName));
        Assert.Equal(InputBytes + result.Hops[1].BytesOut, traffic[origin].Sum(t => t.Bytes));
        Assert.Equal(0, ReceivedOf(traffic[fixture.DeviceIds[0]], ResNet18.InputName));
        Assert.Equal(0, ReceivedOf(traffic[fixture.DeviceIds[1]], ResNet18.InputName));
        Assert.Empty(traffic[fixture.DeviceIds[0]]);
        Assert.Equal(result.Hops[0].BytesOut, traffic[fixture.DeviceIds[1]].Sum(t => t.Bytes));
    }

    [Fact]
    public async Task RequestId_IsKeptAndTrafficIsCountedPerRequest()
    {
        var requestId = "resnet18-" + Guid.NewGuid().ToString("N");

        var result = await fixture.InferAsync(
            EdgeClusterFixture.ResNet18Deployment, fixture.DeviceIds[0], [fixture.ResNet18Input(seed: 3).ToPayload()], requestId: requestId);

        Assert.Equal(requestId, result.RequestId);
        Assert.All((await fixture.TrafficAsync("never-sent-" + Guid.NewGuid().ToString("N"))).Values, Assert.Empty);
    }

    private void AssertMatchesWholeModel(NamedTensor input, InferenceResult result)
    {
        var expected = fixture.ResNet18Session.Run([input])[0];
        var actual = Assert.Single(result.Outputs).ToNamedTensor();
        Assert.Equal(ResNet18.OutputName, actual.Name);
        Assert.Equal([1L, 512, 1, 1], actual.Shape);
        Assert.InRange(TensorComparison.MaxAbsDiff(expected, actual), 0, 1e-5);
    }

    private static void AssertChained(StageHop[] hops)
    {
        Assert.Equal([0, 1, 2], hops.Select(h => h.Stage));
        Assert.Equal(InputBytes, hops[0].BytesIn);
        for (var i = 0; i + 1 < hops.Length; i++)
        {
            Assert.Equal(hops[i].BytesOut, hops[i + 1].BytesIn);
            Assert.True(hops[i].BytesOut > 0);
        }

        Assert.Equal(OutputBytes, hops[^1].BytesOut);
    }

    private static long ReceivedOf(IEnumerable<TensorTraffic> traffic, string tensor) =>
        traffic.Where(t => t.TensorName == tensor).Sum(t => t.Bytes);
}
