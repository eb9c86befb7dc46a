using EdgeCluster.Grains.Deployments;
using EdgeCluster.Grains.Failover;
using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Grains.Interfaces.Devices;
using EdgeCluster.Grains.Interfaces.Errors;

namespace EdgeCluster.Grains.Tests.Replicas;

public sealed class ReplicaPlacementTests
{
    private static readonly DeviceInfo[] Fleet = [Device("device-1"), Device("device-2"), Device("device-3"), Device("device-4")];

    private static readonly StageRoute[] Planned = [Stage(0, "device-1"), Stage(1, "device-2")];

    [Fact]
    public void Head_goes_on_every_origin_and_the_tail_on_the_least_busy_devices()
    {
        var spec = new DeploymentSpec("m", 2, []) { Origins = ["device-1", "device-2", "device-3"], Replicas = 2 };

        var stages = ReplicaPlacement.Assign(Planned, spec, Fleet);

        Assert.Equal(["device-1", "device-2", "device-3"], stages[0].Devices);
        Assert.Equal("device-1", stages[0].DeviceId);

        // device-4 holds nothing yet, so it is the second replica of the tail.
        Assert.Equal(["device-2", "device-4"], stages[1].Devices);
        Assert.Equal("device-2", stages[1].DeviceId);
    }

    [Fact]
    public void Unknown_origin_is_named_in_the_error()
    {
        var spec = new DeploymentSpec("m", 2, []) { Origins = ["device-1", "device-9"] };

        var error = Assert.Throws<EdgeClusterException>(() => ReplicaPlacement.Assign(Planned, spec, Fleet));

        Assert.Equal(EdgeClusterErrorKind.NotFound, error.Kind);
        Assert.Contains("device-9", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void More_replicas_than_devices_is_refused()
    {
        var error = Assert.Throws<EdgeClusterException>(() => ReplicaPlacement.WithReplicas(Planned, 1, 5, Fleet));

        Assert.Equal(EdgeClusterErrorKind.FailedPrecondition, error.Kind);
    }

    [Fact]
    public void Scaling_down_keeps_the_primary_and_drops_the_newest()
    {
        var three = ReplicaPlacement.WithReplicas(Planned, 1, 3, Fleet);
        var one = ReplicaPlacement.WithReplicas([Planned[0], three], 1, 1, Fleet);

        Assert.Equal(["device-2", "device-3", "device-4"], three.Devices);
        Assert.Equal(["device-2"], one.Devices);
        Assert.Empty(one.Replicas);
    }

    [Fact]
    public void A_lost_replica_leaves_the_rotation_and_the_next_one_becomes_primary()
    {
        var stages = new[] { Stage(0, "device-1"), Stage(1, "device-2") with { Replicas = ["device-2", "device-4"] } };

        var pruned = ReplicaPlacement.WithoutDevice(stages, "device-2");

        Assert.Equal(["device-4"], pruned[1].Devices);
        Assert.Equal("device-1", pruned[0].DeviceId);
    }

    [Fact]
    public void A_changed_replica_set_keeps_the_layout_so_requests_under_way_continue()
    {
        var before = new DeploymentRoute("m", "m", 1, ["x"], ["y"], Planned);
        var after = before with { Version = 2, Stages = [Planned[0], ReplicaPlacement.WithReplicas(Planned, 1, 2, Fleet)] };

        Assert.True(RouteLayout.SameLayout(before, after));
    }

    private static StageRoute Stage(int index, string device) => new(index, device, $"sha{index}", 100, [], [], [], 1, 0.5, 100);

    private static DeviceInfo Device(string id) =>
        new(id, "S127.0.0.1:1:1", null, null, 1, [], 1, 1000, 1.0, DateTimeOffset.UnixEpoch, null);
}
