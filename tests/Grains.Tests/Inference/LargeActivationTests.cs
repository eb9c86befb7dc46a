using EdgeCluster.Grains.Inference;
using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Grains.Interfaces.Tensors;
using EdgeCluster.Grains.Tests.Cluster;
using EdgeCluster.Grains.Transfer.Link;
using EdgeCluster.Onnx.SampleModels;
using EdgeCluster.Onnx.Tensors;
using Microsoft.ML.OnnxRuntime.Tensors;
using static EdgeCluster.Onnx.SampleModels.OnnxModelBuilder;

namespace EdgeCluster.Grains.Tests.Inference;

/// <summary>
/// An activation larger than Orleans' 100 MB message body limit crosses a device boundary whole: on the activation
/// link as one frame, or without a link in chunks. In one Orleans message it would tear down the connection between
/// the two silos.
/// </summary>
public abstract class LargeActivationTests(EdgeClusterFixture fixture, bool onLink)
{
    private const long InputElements = 1000;
    private const long Repeats = 28_000;
    private const long ActivationBytes = InputElements * Repeats * sizeof(float);

    [Fact]
    public async Task A_112_MB_activation_reaches_the_next_device_whole()
    {
        const string name = "large-activation";
        await fixture.RegisterAsync(name, TileModel());
        var devices = fixture.DeviceIds.Take(2).ToArray();
        var status = await fixture.DeployAsync(name, new DeploymentSpec(name, 2, devices));
        Assert.Equal(["tiled"], status.Route!.Stages[0].ForwardNames);
        var values = Enumerable.Range(0, (int)InputElements).Select(i => (i % 7) * 0.5f).ToArray();
        var input = NamedTensor.FromFloats("x", [1, InputElements], values);

        var linkBefore = fixture.SiloService<ActivationInbox>(devices[1]).DepositedBytes;
        var result = await fixture.InferAsync(name, devices[0], [input.ToPayload()], requestId: "large-activation-1");

        var sum = Assert.Single(result.Outputs).ToNamedTensor().AsFloats()[0];
        Assert.Equal(values.Sum() * Repeats, sum, tolerance: 1e-3 * values.Sum() * Repeats);
        Assert.Equal(ActivationBytes, result.Hops[1].BytesIn);
        var traffic = await fixture.TrafficAsync("large-activation-1");
        Assert.Equal(ActivationBytes, traffic[devices[1]].Where(t => t.TensorName == "tiled").Sum(t => t.Bytes));
        Assert.Equal(onLink ? ActivationBytes : 0, fixture.SiloService<ActivationInbox>(devices[1]).DepositedBytes - linkBefore);
        Assert.Equal(onLink, fixture.SiloService<ActivationLinkListener>(devices[1]).Endpoint is not null);
        await fixture.AssertServesResNet18Async();
    }

    // x[1,1000] → Tile ×28000 → 112 MB → ReduceSum: one cut, after the Tile, moves the large tensor.
    private static byte[] TileModel()
    {
        var builder = new OnnxModelBuilder("tile_112mb", seed: 0);
        var x = builder.AddInput("x", TensorElementType.Float, 1L, InputElements);
        var repeats = builder.AddInt64s("repeats", [2], 1, Repeats);
        builder.AddNode("Tile", "tile", [x, repeats], ["tiled"]);
        builder.AddNode("ReduceSum", "sum", ["tiled"], ["sum"], Int("keepdims", 1));
        builder.AddOutput("sum", TensorElementType.Float, 1L, 1L);
        return builder.ToBytes();
    }
}

[Collection(EdgeClusterCollection.Name)]
public sealed class LargeActivationOnLinkTests(EdgeClusterFixture fixture) : LargeActivationTests(fixture, onLink: true);

[Collection(LinklessClusterCollection.Name)]
public sealed class LargeActivationInChunksTests(LinklessClusterFixture fixture) : LargeActivationTests(fixture, onLink: false);
