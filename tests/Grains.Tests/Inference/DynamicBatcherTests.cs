using EdgeCluster.Grains.Compute;
using EdgeCluster.Grains.Hosting;
using EdgeCluster.Grains.Inference;
using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Inference;
using EdgeCluster.Grains.Interfaces.Tensors;
using EdgeCluster.Onnx.Runtime;
using EdgeCluster.Onnx.SampleModels;
using EdgeCluster.Onnx.Tensors;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeCluster.Grains.Tests.Inference;

/// <summary>A real session (x[batch,4] · W[4,3]) on a real one-slot compute queue, with the slot held to make requests queue up.</summary>
public sealed class DynamicBatcherTests : IDisposable
{
    private static readonly string[] Outputs = ["y"];

    private readonly ShardSession _session = new(MatMulModel());
    private readonly ShardComputeQueue _compute = new(
        Options.Create(new ComputeOptions { Slots = 1, QueueCapacity = 16 }), Options.Create(new DeviceOptions()));

    public void Dispose()
    {
        _compute.Dispose();
        _session.Dispose();
    }

    [Fact]
    public async Task Requests_queued_behind_a_busy_device_run_as_one_batch_and_each_gets_its_own_rows()
    {
        var batcher = new DynamicBatcher(_session);
        var requests = Enumerable.Range(1, 3).Select(Input).ToArray();

        var runs = await WhileBusyAsync(() => requests.Select(r => batcher.RunAsync(_compute, [r], Outputs, new StageBatching(4, 0))).ToArray());

        Assert.Equal(1, batcher.BatchedRuns);
        Assert.Equal(3, batcher.BatchedRequests);
        for (var i = 0; i < requests.Length; i++)
        {
            Assert.Equal(3, runs[i].BatchRows);
            Assert.Equal(Alone(requests[i]), runs[i].Outputs.Single().Data);
        }
    }

    [Fact]
    public async Task A_batch_holds_at_most_its_rows_and_the_rest_start_the_next()
    {
        var batcher = new DynamicBatcher(_session);
        var requests = Enumerable.Range(1, 5).Select(Input).ToArray();

        var runs = await WhileBusyAsync(() => requests.Select(r => batcher.RunAsync(_compute, [r], Outputs, new StageBatching(3, 0))).ToArray());

        Assert.Equal([3, 3, 3, 2, 2], runs.Select(r => r.BatchRows));
        Assert.Equal(2, batcher.BatchedRuns);
        Assert.All(requests.Zip(runs), pair => Assert.Equal(Alone(pair.First), pair.Second.Outputs.Single().Data));
    }

    [Fact]
    public async Task A_lone_request_with_no_wait_runs_at_once_alone()
    {
        var batcher = new DynamicBatcher(_session);

        var run = await batcher.RunAsync(_compute, [Input(1)], Outputs, new StageBatching(8, 0));

        Assert.Equal(1, run.BatchRows);
        Assert.Equal(0, batcher.BatchedRuns);
        Assert.Equal(Alone(Input(1)), run.Outputs.Single().Data);
    }

    [Fact]
    public async Task With_a_wait_a_request_that_comes_soon_after_joins_the_first_on_an_idle_device()
    {
        var batcher = new DynamicBatcher(_session);

        var first = batcher.RunAsync(_compute, [Input(1)], Outputs, new StageBatching(8, 500));
        await Task.Delay(20);
        var second = batcher.RunAsync(_compute, [Input(2)], Outputs, new StageBatching(8, 500));

        Assert.Equal([2, 2], (await Task.WhenAll(first, second)).Select(r => r.BatchRows));
    }

    [Fact]
    public async Task A_malformed_request_fails_alone_and_the_others_still_batch()
    {
        var batcher = new DynamicBatcher(_session);
        var wrong = new TensorPayload("x", TensorDataType.Float, [1, 5], new byte[20]);

        var (runs, error) = await WhileBusyAsync(async () =>
        {
            var good = new[] { batcher.RunAsync(_compute, [Input(1)], Outputs, new StageBatching(4, 0)), batcher.RunAsync(_compute, [Input(2)], Outputs, new StageBatching(4, 0)) };
            var failure = await Assert.ThrowsAsync<EdgeClusterException>(() => batcher.RunAsync(_compute, [wrong], Outputs, new StageBatching(4, 0)));
            return (good, failure);
        });

        Assert.Equal(EdgeClusterErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("Input 'x' has shape [1,5] but the model expects [batch,4].", error.Message);
        Assert.Equal([2, 2], (await Task.WhenAll(runs)).Select(r => r.BatchRows));
    }

    [Fact]
    public async Task Requests_of_different_trailing_sizes_never_share_a_batch()
    {
        using var session = new ShardSession(ReluModel());
        var batcher = new DynamicBatcher(session);
        var narrow = Floats(1, 1, 2);
        var wide = Floats(1, 1, 2, 3);

        var runs = await WhileBusyAsync(() => new[] { narrow, wide, narrow }.Select(r => batcher.RunAsync(_compute, [r], Outputs, new StageBatching(4, 0))).ToArray());

        Assert.Equal([2, 1, 2], runs.Select(r => r.BatchRows));
        Assert.Equal([2L, 3L], runs.Select(r => r.Outputs.Single().Shape[1]).Distinct());
    }

    /// <summary>Starts the requests while the only compute slot is held, then frees it.</summary>
    private async Task<T[]> WhileBusyAsync<T>(Func<Task<T>[]> start)
    {
        var (tasks, _) = await WhileBusyAsync(() => Task.FromResult((start(), 0)));
        return await Task.WhenAll(tasks);
    }

    private async Task<T> WhileBusyAsync<T>(Func<Task<T>> start)
    {
        using var release = new ManualResetEventSlim();
        var holding = new TaskCompletionSource();
        var busy = _compute.RunAsync(() =>
        {
            holding.SetResult();
            release.Wait();
            return 0;
        });
        await holding.Task;
        var started = await start();
        release.Set();
        await busy;
        return started;
    }

    private byte[] Alone(TensorPayload input) => _session.Run([input.ToNamedTensor()]).Single().Data;

    private static TensorPayload Input(int seed) => Floats(1, seed, seed + 0.5f, -seed, 1f / seed);

    private static TensorPayload Floats(int rows, params float[] values) =>
        new("x", TensorDataType.Float, [rows, values.Length / rows], System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    private static byte[] MatMulModel()
    {
        var b = new OnnxModelBuilder("matmul", seed: 5);
        var x = b.AddInput("x", TensorElementType.Float, "batch", 4L);
        var w = b.AddWeight("w", [4, 3], fanIn: 4);
        b.AddNode("MatMul", "project", [x, w], ["y"]);
        b.AddOutput("y", TensorElementType.Float, "batch", 3L);
        return b.ToBytes();
    }

    private static byte[] ReluModel()
    {
        var b = new OnnxModelBuilder("relu", seed: 5);
        var x = b.AddInput("x", TensorElementType.Float, "batch", "width");
        b.AddNode("Relu", "relu", [x], ["y"]);
        b.AddOutput("y", TensorElementType.Float, "batch", "width");
        return b.ToBytes();
    }
}
