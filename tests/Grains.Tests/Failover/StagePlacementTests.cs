using EdgeCluster.Grains.Deployments;
using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Grains.Interfaces.Devices;

namespace EdgeCluster.Grains.Tests.Failover;

public sealed class StagePlacementTests
{
    private static readonly DeploymentRoute Route = new("m", "m", 1, ["x"], ["y"],
    [
        Stage(0, "device-1", 100), Stage(1, "device-2", 300), Stage(2, "device-3", 200),
    ]);

    [Fact]
    public void Stage_of_a_lost_device_moves_to_the_device_that_holds_no_stage()
    {
        var moved = StagePlacement.Replace(Route, "device-2", [Device("device-1", 1000), Device("device-3", 1000), Device("device-4", 1000)]);

        Assert.Equal(["device-1", "device-4", "device-3"], moved!.Select(s => s.DeviceId));
    }

    [Fact]
    public void Stage_goes_only_where_its_weights_fit()
    {
        // device-4 is free but too small for the 300-byte stage; device-3 holds 200 of its 600 bytes.
        var moved = StagePlacement.Replace(Route, "device-2", [Device("device-1", 350), Device("device-3", 600), Device("device-4", 250)]);

        Assert.Equal(["device-1", "device-3", "device-3"], moved!.Select(s => s.DeviceId));
    }

    [Fact]
    public void No_device_with_room_means_the_model_must_be_re_planned()
    {
        var moved = StagePlacement.Replace(Route, "device-2", [Device("device-1", 350), Device("device-3", 450)]);

        Assert.Null(moved);
    }

    private static StageRoute Stage(int index, string device, long weights) => new(index, device, $"sha{index}", weights, [], [], [], 1, 0.3, weights);

    private static DeviceInfo Device(string id, long memory) =>
        new(id, "S127.0.0.1:1:1", null, null, 1, [], 1, memory, 1.0, DateTimeOffset.UnixEpoch, null);
}
