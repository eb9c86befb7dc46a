using EdgeCluster.Grains.Interfaces.Errors;

namespace EdgeCluster.Grains.Diagnostics;

/// <summary>The bounded <c>reason</c> tag of a failed request: an error kind, never a message.</summary>
public static class FailureReasons
{
    public static string Of(Exception exception) => exception switch
    {
        EdgeClusterException edge => edge.Kind.ToString(),
        SiloUnavailableException or OrleansMessageRejectionException => nameof(EdgeClusterErrorKind.Unavailable),
        TimeoutException => "Timeout",
        OperationCanceledException => "Cancelled",
        _ => nameof(EdgeClusterErrorKind.Internal),
    };
}
