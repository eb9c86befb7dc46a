using EdgeCluster.Client.Load;

namespace EdgeCluster.Client.Tests.Failover;

public sealed class GracefulLeaveTests
{
    [Fact]
    public async Task Sigterm_moves_the_stage_and_drains_running_work_before_the_device_leaves()
    {
        await using var scenario = await FleetScenario.StartAsync(devices: 4, stages: 3);
        var load = new LoadGenerator(scenario.Client, FleetScenario.Model, "device-1", scenario.Inputs);
        var completed = 0;
        var pid = 0;
        var report = await load.RunAsync(80, 4, _ =>
        {
            if (Interlocked.Increment(ref completed) == 20)
            {
                pid = scenario.Fleet.Terminate("device-2");
            }
        });
        await FleetScenario.WaitUntilAsync(() => Task.FromResult(!EdgeCluster.Client.Fleet.ProcessSignals.IsAlive(pid)), TimeSpan.FromSeconds(60), "device-2's silo exiting");
        var route = await scenario.RouteAsync();
        var log = await File.ReadAllTextAsync(scenario.Fleet.State.Silo("device-2").Log);

        Assert.Equal(80, report.Ok);
        Assert.Equal(0, report.Failed);
        Assert.Equal(["device-1", "device-4", "device-3"], route.Stages.Select(s => s.DeviceId));
        Assert.Contains("Device device-2 drained: moved stages of 1 deployments", log, StringComparison.Ordinal);
    }
}
