using EdgeCluster.Grains.Inference;
using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Tests.Cluster;
using EdgeCluster.Onnx.SampleModels;
using EdgeCluster.Onnx.Tensors;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeCluster.Grains.Tests.Deployments;

/// <summary>Deployments with dynamic batching: concurrent requests share a stage run and each still gets its own answer.</summary>
[Collection(EdgeClusterCollection.Name)]
public sealed class BatchedDeploymentTests(EdgeClusterFixture fixture)
{
    [Fact]
    public async Task Concurrent_requests_run_in_batches_of_at_most_the_set_size_and_each_gets_the_whole_models_features()
    {
        var spec = new DeploymentSpec(EdgeClusterFixture.ResNet18Deployment, 2, [.. fixture.DeviceIds.Take(2)]) { Batching = new StageBatching(4, 1000) };
        var status = await fixture.DeployAsync("resnet18-batched", spec);
        Assert.All(status.Route!.Stages, stage => Assert.Equal(new StageBatching(4, 1000), stage.Batching));

        var inputs = Enumerable.Range(20, 6).Select(fixture.ResNet18Input).ToArray();
        var results = await Task.WhenAll(inputs.Select(input => fixture.InferAsync("resnet18-batched", fixture.DeviceIds[0], [input])));

        // Six requests within the wait: the first four fill a batch, the last two share the next.
        Assert.Equal([2, 2, 4, 4, 4, 4], results.Select(r => r.Hops[0].BatchRows).Order());
        Assert.All(results, r => Assert.InRange(r.Hops[1].BatchRows, 1, 4));
        foreach (var (input, result) in inputs.Zip(results))
        {
            var expected = fixture.ResNet18Session.Run([input])[0];
            var got = result.Outputs.Single().ToNamedTensor();
            Assert.Equal([1L, 512L, 1L, 1L], got.Shape);
            Assert.InRange(TensorComparison.MaxAbsDiff(expected, got), 0, 1e-4);
        }
    }

    [Fact]
    public async Task A_stage_whose_shard_sums_away_the_batch_runs_requests_alone_and_says_why()
    {
        var b = new OnnxModelBuilder("sum_all", seed: 3);
        var x = b.AddInput("x", TensorElementType.Float, 1L, 4L);
        var relu = b.AddNode("Relu", "relu", [x]);
        b.AddNode("ReduceSum", "sum", [relu], ["y"], OnnxModelBuilder.Int("keepdims", 1));
        b.AddOutput("y", TensorElementType.Float, 1L, 1L);
        await fixture.RegisterAsync("sum-all", b.ToBytes());

        var status = await fixture.DeployAsync("sum-all", new DeploymentSpec("sum-all", 2, [.. fixture.DeviceIds.Take(2)]) { Batching = new StageBatching(8, 0) });
        var input = new NamedTensor("x", TensorElementType.Float, [1, 4], System.Runtime.InteropServices.MemoryMarshal.AsBytes(new float[] { 1, -2, 3, 4 }.AsSpan()).ToArray());
        var result = await fixture.InferAsync("sum-all", fixture.DeviceIds[0], [input]);

        var stages = status.Route!.Stages;
        Assert.Equal(new StageBatching(8, 0), stages[0].Batching);
        Assert.Null(stages[1].Batching);
        Assert.Equal("output 'y' has no symbolic first axis (y: Float[1,1])", stages[1].BatchingRefused);
        Assert.Equal(8f, result.Outputs.Single().ToNamedTensor().AsFloats()[0]);
    }

    [Fact]
    public async Task A_batch_size_below_two_is_refused_naming_it()
    {
        var spec = new DeploymentSpec(EdgeClusterFixture.ResNet18Deployment, 2, [.. fixture.DeviceIds.Take(2)]) { Batching = new StageBatching(1, 0) };

        var error = await Assert.ThrowsAsync<EdgeClusterException>(() => fixture.DeployAsync("resnet18-batch-of-one", spec));

        Assert.Equal(EdgeClusterErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("Batching for 'resnet18' is not usable: max batch size 1 is outside 2..256.", error.Message);
    }

    [Fact]
    public async Task A_model_whose_input_has_no_batch_axis_cannot_be_deployed_with_batching()
    {
        var b = new OnnxModelBuilder("fixed_eight", seed: 3);
        var x = b.AddInput("x", TensorElementType.Float, 8L, 4L);
        var relu = b.AddNode("Relu", "relu", [x]);
        b.AddNode("Neg", "neg", [relu], ["y"]);
        b.AddOutput("y", TensorElementType.Float, 8L, 4L);
        await fixture.RegisterAsync("fixed-eight", b.ToBytes());

        var error = await Assert.ThrowsAsync<EdgeClusterException>(() =>
            fixture.DeployAsync("fixed-eight", new DeploymentSpec("fixed-eight", 2, [.. fixture.DeviceIds.Take(2)]) { Batching = new StageBatching(4, 0) }));

        Assert.Equal(EdgeClusterErrorKind.InvalidModel, error.Kind);
        Assert.Equal("Model 'fixed-eight': Input 'x' has no batch axis: its first dimension is 8, not 1 or a symbol.", error.Message);
    }
}
