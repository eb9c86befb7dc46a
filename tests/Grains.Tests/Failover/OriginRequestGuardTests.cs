using EdgeCluster.Grains.Failover;
using EdgeCluster.Grains.Interfaces.Errors;

namespace EdgeCluster.Grains.Tests.Failover;

public sealed class OriginRequestGuardTests
{
    [Fact]
    public void Second_submission_of_a_request_id_is_rejected_as_a_duplicate()
    {
        var guard = new OriginRequestGuard();
        guard.Admit("resnet18", "r-1", "device-1");

        var error = Assert.Throws<EdgeClusterException>(() => guard.Admit("resnet18", "r-1", "device-1"));

        Assert.Equal(EdgeClusterErrorKind.FailedPrecondition, error.Kind);
        Assert.Equal("Request 'r-1' was already submitted to 'resnet18' on device-1; each request id is answered once (duplicate rejected).", error.Message);
    }

    [Fact]
    public void The_same_id_in_another_deployment_is_a_different_request()
    {
        var guard = new OriginRequestGuard();
        guard.Admit("resnet18", "r-1", "device-1");

        var error = Record.Exception(() => guard.Admit("unet", "r-1", "device-1"));

        Assert.Null(error);
    }
}
