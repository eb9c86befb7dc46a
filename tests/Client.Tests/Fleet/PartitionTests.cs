using EdgeCluster.Client.Load;

namespace EdgeCluster.Client.Tests.Failover;

public sealed class PartitionTests
{
    [Fact]
    public async Task Partitioned_stage_device_loses_its_stage_and_rejoins_when_its_link_returns()
    {
        await using var scenario = await FleetScenario.StartAsync(devices: 4, stages: 3, restartSilos: true);
        var before = (await scenario.Client.ListDevicesAsync()).Single(d => d.DeviceId == "device-2");
        var load = new LoadGenerator(scenario.Client, FleetScenario.Model, "device-1", scenario.Inputs);
        var cut = 0;
        var report = await load.RunAsync(120, 4, completion =>
        {
            if (Interlocked.Increment(ref cut) == 20)
            {
                scenario.Fleet.Rig.SetLinkAsync("device-2", up: false).GetAwaiter().GetResult();
            }
        });
        var route = await scenario.RouteAsync();

        await scenario.Fleet.Rig.SetLinkAsync("device-2", up: true);
        await FleetScenario.WaitUntilAsync(
            async () => (await scenario.Client.ListDevicesAsync()).Any(d => d.DeviceId == "device-2" && d.SiloAddress != before.SiloAddress),
            TimeSpan.FromSeconds(90),
            "device-2 rejoining as a new silo");

        Assert.Equal(120, report.Ok);
        Assert.Equal(0, report.Failed);
        Assert.Equal(0, report.Duplicates);
        Assert.Equal(["device-1", "device-4", "device-3"], route.Stages.Select(s => s.DeviceId));
    }
}
