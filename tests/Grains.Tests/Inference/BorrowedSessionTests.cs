using EdgeCluster.Grains.Inference;
using EdgeCluster.Grains.Tests.Cluster;
using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Grains.Tests.Inference;

[Collection(EdgeClusterCollection.Name)]
public sealed class BorrowedSessionTests(EdgeClusterFixture fixture)
{
    [Fact]
    public async Task Once_its_shard_is_open_each_stage_runs_the_borrowed_session_and_the_output_is_exact()
    {
        await fixture.AssertServesResNet18Async();
        var sessions = fixture.DeviceIds.Select(fixture.SiloService<OpenShardSessions>).ToArray();
        var before = sessions.Select(s => s.Borrowed).ToArray();
        var input = fixture.ResNet18Input(seed: 33);

        var result = await fixture.InferAsync(EdgeClusterFixture.ResNet18Deployment, fixture.DeviceIds[0], [input]);

        var actual = Assert.Single(result.Outputs).ToNamedTensor();
        Assert.InRange(TensorComparison.MaxAbsDiff(fixture.ResNet18Session.Run([input])[0], actual), 0, 1e-5);
        Assert.Equal([1L, 1L, 1L], sessions.Select((s, i) => s.Borrowed - before[i]));
    }
}
