using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using EdgeCluster.Grains.Deployments;
using EdgeCluster.Grains.Inference;
using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Diagnostics;
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
    public async Task Link_bytes_are_counted_against_the_replica_that_received_them()
    {
        const string name = "replicas-link-bytes";
        var content = TestModels.TwoNodeChain();
        using var whole = new ShardSession(content);
        await fixture.RegisterAsync(name, content);
        var origin = fixture.DeviceIds[0];
        var status = await fixture.DeployAsync(name, new DeploymentSpec(name, 2, []) { Origins = [origin], Replicas = 2 });
        var tail = status.Route!.Stages[1].Devices;
        var counted = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == EdgeClusterDiagnostics.Name && instrument.Name == "edgecluster.link.bytes")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, bytes, tags, _) =>
        {
            string? source = null, target = null;
            foreach (var tag in tags)
            {
                source = tag.Key == "source" ? tag.Value as string : source;
                target = tag.Key == "target" ? tag.Value as string : target;
            }

            if (source == origin && target is not null && tail.Contains(target))
            {
                counted.AddOrUpdate(target, bytes, (_, total) => total + bytes);
            }
        });
        listener.Start();

        var received = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < 40; i++)
        {
            var inputs = DeterministicInputs.Create(whole.Inputs, seed: i).Select(t => t.ToPayload());
            var result = await fixture.InferAsync(name, origin, inputs, requestId: $"link-bytes-{i}");
            received[result.Hops[1].Device] = received.GetValueOrDefault(result.Hops[1].Device) + result.Hops[1].BytesIn;
        }

        listener.Dispose();
        Assert.Equal(tail.Order(StringComparer.Ordinal), received.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(received.OrderBy(p => p.Key, StringComparer.Ordinal), counted.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_removed_replica_unloads_its_shard_after_the_grace_period()
    {
        const string name = "replicas-unload";
        var content = TestModels.WithDocString(TestModels.TwoNodeChain(), name);
        await fixture.RegisterAsync(name, content);
        var origin = fixture.DeviceIds[0];
        var deployed = await fixture.DeployAsync(name, new DeploymentSpec(name, 2, []) { Origins = [origin], Replicas = 2 });
        var tail = deployed.Route!.Stages[1];
        Assert.Equal(2, tail.Devices.Length);
        Assert.Equal(tail.Devices.Order(StringComparer.Ordinal), await LoadedShardDevicesAsync(tail.ShardSha256));

        var down = await fixture.Client.GetGrain<IDeploymentGrain>(name).ScaleAsync(1, 1);
        var kept = Assert.Single(down.Route!.Stages[1].Devices);

        await UntilAsync(async () => (await LoadedShardDevicesAsync(tail.ShardSha256)).SequenceEqual([kept]), ReplicaRetirement.Grace * 3);
        using var whole = new ShardSession(content);
        var inputs = DeterministicInputs.Create(whole.Inputs, seed: 9);
        var result = await fixture.InferAsync(name, origin, inputs.Select(t => t.ToPayload()));
        Assert.Equal(kept, result.Hops[1].Device);
    }

    [Fact]
    public async Task Two_deployments_scaled_down_at_once_both_unload_their_removed_replicas()
    {
        var origin = fixture.DeviceIds[0];
        var tails = new List<StageRoute>();
        var names = new[] { "replicas-unload-a", "replicas-unload-b" };
        foreach (var name in names)
        {
            await fixture.RegisterAsync(name, TestModels.WithDocString(TestModels.TwoNodeChain(), name));
            var deployed = await fixture.DeployAsync(name, new DeploymentSpec(name, 2, []) { Origins = [origin], Replicas = 2 });
            tails.Add(deployed.Route!.Stages[1]);
        }

        Assert.NotEqual(tails[0].ShardSha256, tails[1].ShardSha256);

        var down = await Task.WhenAll(names.Select(name => fixture.Client.GetGrain<IDeploymentGrain>(name).ScaleAsync(1, 1)));

        // Each retirement asks the other deployment for its route; before status calls interleaved, both waited 30 s and gave up.
        await Task.WhenAll(names.Select((_, i) =>
        {
            var kept = Assert.Single(down[i].Route!.Stages[1].Devices);
            return UntilAsync(async () => (await LoadedShardDevicesAsync(tails[i].ShardSha256)).SequenceEqual([kept]), ReplicaRetirement.Grace * 2.5);
        }));
    }

    [Fact]
    public async Task Stage_zero_cannot_be_scaled()
    {
        var error = await Assert.ThrowsAsync<EdgeClusterException>(() =>
            fixture.Client.GetGrain<IDeploymentGrain>(EdgeClusterFixture.ResNet18Deployment).ScaleAsync(0, 2));

        Assert.Equal(EdgeClusterErrorKind.InvalidArgument, error.Kind);
    }

    private async Task<string[]> LoadedShardDevicesAsync(string sha256)
    {
        var active = await fixture.Client.GetGrain<IManagementGrain>(0).GetActiveGrains(GrainType.Create("modelshard"));
        return active.Select(id => id.Key.ToString()!)
            .Where(key => key.EndsWith("/" + sha256, StringComparison.Ordinal))
            .Select(key => key[..key.IndexOf('/', StringComparison.Ordinal)])
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!await condition())
        {
            await Task.Delay(200, deadline.Token);
        }
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
