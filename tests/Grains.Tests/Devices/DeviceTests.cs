using EdgeCluster.Grains.Interfaces.Devices;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Inference;
using EdgeCluster.Grains.Tests.Cluster;

namespace EdgeCluster.Grains.Tests.Devices;

[Collection(EdgeClusterCollection.Name)]
public sealed class DeviceTests(EdgeClusterFixture fixture)
{
    [Fact]
    public async Task Registry_ListsExactlyTheThreeSilos_ByTheirNames()
    {
        var devices = await fixture.Client.GetGrain<IDeviceRegistryGrain>(IDeviceRegistryGrain.Key).ListAsync();

        Assert.Equal(fixture.DeviceIds.Order(StringComparer.Ordinal), devices.Select(d => d.DeviceId));
        foreach (var silo in fixture.Cluster.Silos)
        {
            var device = Assert.Single(devices, d => d.DeviceId == silo.Name);
            Assert.Equal(silo.SiloAddress.ToParsableString(), device.SiloAddress);
            Assert.Equal(1.0, device.RelativeSpeed);
            Assert.Equal(Environment.ProcessId, device.ProcessId);
        }
    }

    [Fact]
    public async Task DeviceKeyedGrains_ActivateOnTheSiloNamedInTheKey()
    {
        var management = fixture.Client.GetGrain<IManagementGrain>(0);
        var shardSha = fixture.ResNet18Route.Stages[0].ShardSha256;
        foreach (var silo in fixture.Cluster.Silos)
        {
            var traffic = fixture.Client.GetGrain<IDeviceTrafficGrain>(DeviceGrainKey.Create(silo.Name, "traffic"));
            await traffic.GetReceivedAsync("placement-probe");
            Assert.Equal(silo.SiloAddress, await management.GetActivationAddress(traffic));

            // Stage 0's shard is deployed on the first device only; the others fetch it on first use.
            var shard = fixture.Client.GetGrain<IModelShardGrain>(IModelShardGrain.KeyFor(silo.Name, shardSha));
            var load = await shard.EnsureLoadedAsync();
            Assert.Equal(silo.Name, load.DeviceId);
            Assert.Equal(shardSha, load.Sha256);
            Assert.Equal(fixture.ResNet18Route.Stages[0].ShardBytes, load.Bytes);
            Assert.Equal(silo.SiloAddress, await management.GetActivationAddress(shard));
        }
    }

    [Fact]
    public async Task StageGrains_ActivateOnTheOriginDeviceInTheirKey()
    {
        var management = fixture.Client.GetGrain<IManagementGrain>(0);
        foreach (var silo in fixture.Cluster.Silos)
        {
            var result = await fixture.InferAsync(EdgeClusterFixture.ResNet18Deployment, silo.Name, [fixture.ResNet18Input(seed: 12)]);

            Assert.Equal(silo.Name, result.Hops[0].Device);
            var entry = fixture.Client.GetGrain<IPipelineStageGrain>(IPipelineStageGrain.KeyFor(silo.Name, EdgeClusterFixture.ResNet18Deployment, 0));
            Assert.Equal(silo.SiloAddress, await management.GetActivationAddress(entry));
        }
    }

    [Fact]
    public async Task UnknownDevice_FailsWithNotFound_NamingTheDeviceAndTheActiveDevices()
    {
        var ghost = fixture.Client.GetGrain<IDeviceTrafficGrain>(DeviceGrainKey.Create("ghost-device", "traffic"));

        var error = await Assert.ThrowsAsync<EdgeClusterException>(() => ghost.GetReceivedAsync("any"));

        Assert.Equal(EdgeClusterErrorKind.NotFound, error.Kind);
        Assert.Equal(
            $"Device 'ghost-device' is not in the fleet (active devices: {string.Join(", ", fixture.DeviceIds.Order(StringComparer.Ordinal))}).",
            error.Message);
    }
}
