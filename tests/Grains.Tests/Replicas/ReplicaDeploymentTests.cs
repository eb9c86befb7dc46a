using System.Collections.Concurrent;
using EdgeCluster.Grains.Inference;
using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Inference;
using EdgeCluster.Grains.Tests.Cluster;
using EdgeCluster.Grains.Tests.Models;
using EdgeCluster.Onnx.Runtime;
using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Grains.Tests.Replicas;

/// <summary>Deployments with origins and replicated stages on the shared three-device cluster.</summary>
[Collection(EdgeClusterCollection.Name)]
public sealed class ReplicaDeploymentTests(EdgeClusterFixture fixture)
{
    [Fact]
    public async Task Heads_run_on_every_origin_and_raw_input_never_leaves_it()
    {
        const string name = "replicas-origins";
        var content = TestModels.TwoNodeChain();
        using var whole = new ShardSession(content);
        await fixture.RegisterAsync(name, content);
        var origins = fixture.DeviceIds.ToArray();

        var status = await fixture.DeployAsync(name, new DeploymentSpec(name, 2, []) { Origins = origins, Replicas = 2 });

        Assert.Equal(origins, status.Route!.Stages[0].Devices);
        var tail = status.Route.Stages[1].Devices;
        Assert.Equal(2, tail.Distinct(StringComparer.Ordinal).Count());
        foreach (var (origin, seed) in origins.Select((o, i) => (o, i)))
        {
            for (var i = 0; i < 5; i++)
            {
                var inputs = DeterministicInputs.Create(whole.Inputs, seed: (seed * 10) + i);
                var id = $"origins-{origin}-{i}";
                var result = await fixture.InferAsync(name, origin, inputs.Select(t => t.ToPayload()), requestId: id);

                Assert.Equal(origin, result.Hops[0].Device);
                Assert.Contains(result.Hops[1].Device, tail);
                Assert.InRange(TensorComparison.MaxAbsDiff(whole.Run(inputs)[0], Assert.Single(result.Outputs).ToNamedTensor()), 0, 1e-6);
                var traffic = await fixture.TrafficAsync(id);
                Assert.Equal(0, traffic.Where(d => d.Key != origin).SelectMany(d => d.Value).Where(t => t.TensorName == "x").Sum(t => t.Bytes));
            }
        }
    }

    [Fact]
    public async Task Scaling_the_tail_up_and_down_under_load_loses_and_duplicates_nothing()
    {
        const string name = "replicas-scale";
        var content = TestModels.TwoNodeChain();
        using var whole = new ShardSession(content);
        await fixture.RegisterAsync(name, content);
        var origin = fixture.DeviceIds[0];
        await fixture.DeployAsync(name, new DeploymentSpec(name, 2, [.. fixture.DeviceIds]) { Origins = [origin] });
        var deployment = fixture.Client.GetGrain<IDeploymentGrain>(name);
        var inputs = DeterministicInputs.Create(whole.Inputs, seed: 3).Select(t => t.ToPayload()).ToArray();

        var answers = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var tailDevices = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var errors = new ConcurrentBag<Exception>();
        var sent = 0;
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var id = $"scale-{Interlocked.Increment(ref sent):D6}";
                try
                {
                    var result = await fixture.InferAsync(name, origin, inputs, requestId: id);
                    answers.AddOrUpdate(result.RequestId, 1, (_, n) => n + 1);
                    tailDevices.AddOrUpdate(result.Hops[1].Device, 1, (_, n) => n + 1);
                }
                catch (Exception exception)
                {
                    errors.Add(exception);
                }
            }
        })).ToArray();

        var up = await deployment.ScaleAsync(1, 3);
        Assert.Equal(3, up.Route!.Stages[1].Devices.Length);
        await UntilAsync(() => tailDevices.Count == 3);

        var down = await deployment.ScaleAsync(1, 1);
        Assert.Equal([up.Route.Stages[1].DeviceId], down.Route!.Stages[1].Devices);
        var afterDown = answers.Count;
        await UntilAsync(() => answers.Count > afterDown + 50);
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        Assert.Empty(errors);
        Assert.Equal(sent, answers.Count);
        Assert.All(answers.Values, count => Assert.Equal(1, count));
        Assert.Equal(fixture.DeviceIds.Order(StringComparer.Ordinal), tailDevices.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Stage_zero_cannot_be_scaled()
    {
        var error = await Assert.ThrowsAsync<EdgeClusterException>(() =>
            fixture.Client.GetGrain<IDeploymentGrain>(EdgeClusterFixture.ResNet18Deployment).ScaleAsync(0, 2));

        Assert.Equal(EdgeClusterErrorKind.InvalidArgument, error.Kind);
    }

    // Waits on a condition the load makes true, with a generous bound so a hung cluster fails instead of hanging.
    private static async Task UntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!condition())
        {
            await Task.Delay(20, deadline.Token);
        }
    }
}
