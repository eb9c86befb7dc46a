using EdgeCluster.Grains.Inference;
using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Grains.Tests.Cluster;
using EdgeCluster.Grains.Transfer.Link;
using EdgeCluster.Onnx.SampleModels;
using EdgeCluster.Onnx.Tensors;
using Microsoft.ML.OnnxRuntime.Tensors;
using static EdgeCluster.Onnx.SampleModels.OnnxModelBuilder;

namespace EdgeCluster.Grains.Tests.Transfer.Link;

/// <summary>
/// A graph output made by the first stage rides the link to the last stage untouched; its arrays go back to the
/// link's pool once the answer is serialized, whether the answer goes up the chain or straight to the origin.
/// </summary>
[Collection(EdgeClusterCollection.Name)]
public sealed class PassThroughOutputTests(EdgeClusterFixture fixture)
{
    private const string Model = "pass-through";
    private const long Elements = 32 * 1024;

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task An_early_output_that_reached_the_last_stage_on_the_link_is_released_after_the_answer(int stages)
    {
        await fixture.RegisterAsync(Model, PassThroughModel());
        var deployment = $"{Model}-{stages}";
        var devices = fixture.DeviceIds.Take(stages).ToArray();
        await fixture.DeployAsync(deployment, new DeploymentSpec(Model, stages, devices) { Cuts = stages == 2 ? [1] : [1, 2] });
        var values = Enumerable.Range(0, (int)Elements).Select(i => (i % 5) - 2f).ToArray();
        var inboxes = devices.Select(fixture.SiloService<ActivationInbox>).ToArray();
        var lentBefore = inboxes.Select(i => i.Lent).ToArray();

        var result = await fixture.InferAsync(deployment, devices[0], [NamedTensor.FromFloats("x", [1, Elements], values)]);

        var outputs = result.Outputs.ToDictionary(o => o.Name, o => o.ToNamedTensor().AsFloats().ToArray());
        var early = values.Select(v => Math.Max(v, 0f)).ToArray();
        Assert.Equal(early, outputs["early"]);
        Assert.Equal(-early.Sum(), Assert.Single(outputs["sum"]));
        Assert.Equal(Elements * sizeof(float), result.Hops[^1].BytesIn - (stages == 3 ? Elements * sizeof(float) : 0));

        // With 3 stages the origin answers before the middle stage has its acknowledgement, which is when it lets go.
        var settled = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (!inboxes.Select(i => i.Lent).SequenceEqual(lentBefore) && DateTime.UtcNow < settled)
        {
            await Task.Delay(10);
        }

        Assert.Equal(lentBefore, inboxes.Select(i => i.Lent));
    }

    // x[1,32768] → Relu → early (128 KiB, a graph output) → Neg → ReduceSum → sum: cut 1 is after the Relu, cut 2 after the Neg.
    private static byte[] PassThroughModel()
    {
        var builder = new OnnxModelBuilder("pass_through", seed: 0);
        var x = builder.AddInput("x", TensorElementType.Float, 1L, Elements);
        builder.AddNode("Relu", "relu", [x], ["early"]);
        builder.AddNode("Neg", "neg", ["early"], ["negated"]);
        builder.AddNode("ReduceSum", "sum", ["negated"], ["sum"], Int("keepdims", 1));
        builder.AddOutput("early", TensorElementType.Float, 1L, Elements);
        builder.AddOutput("sum", TensorElementType.Float, 1L, 1L);
        return builder.ToBytes();
    }
}
