using EdgeCluster.Client.Load;
using EdgeCluster.Grains.Interfaces.Deployments;

namespace EdgeCluster.Client.Tests.Failover;

public sealed class JoinTests
{
    [Fact]
    public async Task Joined_device_takes_a_stage_after_rebalance_while_requests_keep_completing()
    {
        await using var scenario = await FleetScenario.StartAsync(devices: 2, stages: 3);
        var before = await scenario.RouteAsync();
        await scenario.Fleet.JoinAsync();

        var load = new LoadGenerator(scenario.Client, FleetScenario.Model, "device-1", scenario.Inputs);
        var rebalanced = Task.CompletedTask;
        var completed = 0;
        var report = await load.RunAsync(60, 4, _ =>
        {
            if (Interlocked.Increment(ref completed) == 10)
            {
                rebalanced = scenario.Client.Grains.GetGrain<IDeploymentGrain>(FleetScenario.Model).RebalanceAsync();
            }
        });
        await rebalanced;
        var after = await scenario.RouteAsync();

        Assert.Equal(["device-1", "device-2", "device-1"], before.Stages.Select(s => s.DeviceId));
        Assert.Equal(["device-1", "device-2", "device-3"], after.Stages.Select(s => s.DeviceId));
        Assert.Equal(60, report.Ok);
        Assert.Equal(0, report.Failed);
    }
}
