using EdgeCluster.Grains.Inference;
using EdgeCluster.Grains.Tests.Cluster;
using EdgeCluster.Grains.Transfer.Link;
using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Grains.Tests.Inference;

[Collection(EdgeClusterCollection.Name)]
public sealed class PooledStageOutputTests(EdgeClusterFixture fixture)
{
    [Fact]
    public async Task Stage_outputs_that_are_sent_on_come_from_the_devices_pool_and_go_back_once_the_next_stage_answered()
    {
        await fixture.AssertServesResNet18Async();
        var origin = fixture.DeviceIds[0];
        var pool = fixture.SiloService<ActivationInbox>(origin).Buffers;
        var sentOn = fixture.ResNet18Route.Stages[0].OutputNames.Length;
        await fixture.InferAsync(EdgeClusterFixture.ResNet18Deployment, origin, [fixture.ResNet18Input(seed: 40)]);
        var reused = pool.Reused;

        foreach (var seed in new[] { 41, 42, 43 })
        {
            var input = fixture.ResNet18Input(seed);
            var result = await fixture.InferAsync(EdgeClusterFixture.ResNet18Deployment, origin, [input]);
            Assert.InRange(TensorComparison.MaxAbsDiff(fixture.ResNet18Session.Run([input])[0], Assert.Single(result.Outputs).ToNamedTensor()), 0, 1e-5);
        }

        // The origin receives nothing on its link here, so every reuse is one of stage 0's outputs.
        Assert.Equal(3 * sentOn, pool.Reused - reused);
    }

    [Fact]
    public async Task Concurrent_requests_reusing_pooled_arrays_each_get_the_output_of_their_own_input()
    {
        await fixture.AssertServesResNet18Async();
        var inputs = Enumerable.Range(50, 6).Select(fixture.ResNet18Input).ToArray();

        var results = await Task.WhenAll(inputs.Select(input =>
            fixture.InferAsync(EdgeClusterFixture.ResNet18Deployment, fixture.DeviceIds[0], [input])));

        for (var i = 0; i < inputs.Length; i++)
        {
            var expected = fixture.ResNet18Session.Run([inputs[i]])[0];
            Assert.InRange(TensorComparison.MaxAbsDiff(expected, Assert.Single(results[i].Outputs).ToNamedTensor()), 0, 1e-5);
        }
    }
}
