using System.Diagnostics;
using EdgeCluster.Client.Load;
using Xunit.Abstractions;

namespace EdgeCluster.Client.Tests.Failover;

public sealed class PartitionTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Partitioned_stage_device_loses_its_stage_and_rejoins_when_its_link_returns()
    {
        await using var scenario = await FleetScenario.StartAsync(devices: 4, stages: 3, restartSilos: true);
        var before = (await scenario.Client.ListDevicesAsync()).Single(d => d.DeviceId == "device-2");
        var load = new LoadGenerator(scenario.Client, FleetScenario.Model, "device-1", scenario.Inputs);
        var completed = 0;
        long cutAt = 0, recoveredAt = 0;
        var report = await load.RunAsync(80, 4, completion =>
        {
            if (Interlocked.Increment(ref completed) == 15)
            {
                scenario.Fleet.Rig.SetLinkAsync("device-2", up: false).GetAwaiter().GetResult();
                Interlocked.Exchange(ref cutAt, Stopwatch.GetTimestamp());
            }

            if (Interlocked.Read(ref cutAt) > 0 && completion.Result?.Hops.Any(h => h.Stage == 1 && h.Device == "device-4") == true)
            {
                Interlocked.CompareExchange(ref recoveredAt, completion.CompletedAt, 0);
            }
        });
        var route = await scenario.RouteAsync();
        output.WriteLine($"link down → first request through the re-placed stage: {Stopwatch.GetElapsedTime(cutAt, recoveredAt).TotalSeconds:F2} s");

        await scenario.Fleet.Rig.SetLinkAsync("device-2", up: true);
        var watch = Stopwatch.StartNew();
        await FleetScenario.WaitUntilAsync(
            async () => (await scenario.Client.ListDevicesAsync()).Any(d => d.DeviceId == "device-2" && d.SiloAddress != before.SiloAddress),
            TimeSpan.FromSeconds(90),
            "device-2 rejoining as a new silo");
        output.WriteLine($"link up → device-2 rejoined: {watch.Elapsed.TotalSeconds:F2} s");

        Assert.Equal(80, report.Ok);
        Assert.Equal(0, report.Failed);
        Assert.Equal(0, report.Duplicates);
        Assert.Equal(["device-1", "device-4", "device-3"], route.Stages.Select(s => s.DeviceId));
    }
}
