using EdgeCluster.Client.Load;
using EdgeCluster.Grains.Interfaces.Errors;

namespace EdgeCluster.Client.Tests.Failover;

public sealed class OriginAndDuplicateTests
{
    [Fact]
    public async Task Requests_fail_with_origin_lost_when_their_origin_dies_and_a_repeated_id_is_rejected()
    {
        await using var scenario = await FleetScenario.StartAsync(devices: 4, stages: 3);

        // Duplicate guard: the origin answers an id once.
        await OriginInference.InferAsync(scenario.Client, FleetScenario.Model, "device-1", scenario.Inputs, "same-id");
        var duplicate = await Assert.ThrowsAsync<EdgeClusterException>(() =>
            OriginInference.InferAsync(scenario.Client, FleetScenario.Model, "device-1", scenario.Inputs, "same-id"));

        // Origin loss: device-4 holds the input of its requests and no stage; it dies under load.
        await using var atOrigin = await scenario.Fleet.ConnectAsync("device-4");
        await using var watch = scenario.Fleet.Watch("device-4");
        var completed = 0;
        var report = await new LoadGenerator(atOrigin, FleetScenario.Model, "device-4", scenario.Inputs, watch).RunAsync(30, 2, _ =>
        {
            if (Interlocked.Increment(ref completed) == 5)
            {
                scenario.Fleet.Kill("device-4");
            }
        });
        var failure = await Assert.ThrowsAsync<EdgeClusterException>(() =>
            OriginInference.InferAsync(atOrigin, FleetScenario.Model, "device-4", scenario.Inputs, "after-loss", watch));

        Assert.Equal(EdgeClusterErrorKind.FailedPrecondition, duplicate.Kind);
        Assert.Contains("duplicate rejected", duplicate.Message, StringComparison.Ordinal);
        Assert.Equal(30, report.Ok + report.Failed);
        Assert.Equal([OriginInference.OriginLostReason], report.FailedByReason.Keys);
        Assert.InRange(report.Ok, 5, 7);
        Assert.StartsWith("Origin device 'device-4' was lost while request after-loss was in flight", failure.Message, StringComparison.Ordinal);
    }
}
