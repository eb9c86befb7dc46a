using EdgeCluster.Grains.Transfer.Link;

namespace EdgeCluster.Grains.Failover;

/// <summary>Which failures of a call to another device mean "that device is gone or going", as opposed to a bad request.</summary>
public static class DeviceFailures
{
    /// <summary>
    /// Orleans fails calls to a silo that died or was declared dead with these; it never retries them itself.
    /// Stages wrap every other failure they pass upstream, so these come from the direct callee's silo; a call on the
    /// activation link whose connection broke counts the same.
    /// </summary>
    public static bool IsTransport(Exception exception) => exception is
        SiloUnavailableException or OrleansMessageRejectionException or TimeoutException or Orleans.Runtime.Messaging.ConnectionFailedException
        or ActivationLinkBrokenException;
}
