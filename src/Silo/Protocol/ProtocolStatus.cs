using EdgeCluster.Grains.Interfaces.Errors;
using Grpc.Core;
using Orleans.Runtime.Messaging;

namespace EdgeCluster.Silo.Protocol;

/// <summary>One table from error kinds to gRPC status codes and HTTP statuses, used by the endpoints and the client.</summary>
public static class ProtocolStatus
{
    /// <summary>The kind of a failure: its own for <see cref="EdgeClusterException"/>, Unavailable when a device could not be reached, else Internal.</summary>
    public static EdgeClusterErrorKind KindOf(Exception exception) => exception switch
    {
        EdgeClusterException edge => edge.Kind,
        OrleansMessageRejectionException or ConnectionFailedException or GatewayTooBusyException or TimeoutException => EdgeClusterErrorKind.Unavailable,
        _ => EdgeClusterErrorKind.Internal,
    };

    public static StatusCode ToStatusCode(EdgeClusterErrorKind kind) => kind switch
    {
        EdgeClusterErrorKind.InvalidArgument => StatusCode.InvalidArgument,
        EdgeClusterErrorKind.NotFound => StatusCode.NotFound,
        EdgeClusterErrorKind.InvalidModel or EdgeClusterErrorKind.FailedPrecondition => StatusCode.FailedPrecondition,
        EdgeClusterErrorKind.Unavailable => StatusCode.Unavailable,
        EdgeClusterErrorKind.ResourceExhausted => StatusCode.ResourceExhausted,
        _ => StatusCode.Internal,
    };

    /// <summary>The HTTP status gRPC's own mapping gives the same code.</summary>
    public static int ToHttpStatus(EdgeClusterErrorKind kind) => kind switch
    {
        EdgeClusterErrorKind.InvalidArgument or EdgeClusterErrorKind.InvalidModel or EdgeClusterErrorKind.FailedPrecondition => StatusCodes.Status400BadRequest,
        EdgeClusterErrorKind.NotFound => StatusCodes.Status404NotFound,
        EdgeClusterErrorKind.ResourceExhausted => StatusCodes.Status429TooManyRequests,
        EdgeClusterErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>The kind a client reports for a status code it received.</summary>
    public static EdgeClusterErrorKind FromStatusCode(StatusCode code) => code switch
    {
        StatusCode.InvalidArgument or StatusCode.OutOfRange => EdgeClusterErrorKind.InvalidArgument,
        StatusCode.NotFound => EdgeClusterErrorKind.NotFound,
        StatusCode.FailedPrecondition => EdgeClusterErrorKind.FailedPrecondition,
        StatusCode.Unavailable => EdgeClusterErrorKind.Unavailable,
        StatusCode.ResourceExhausted => EdgeClusterErrorKind.ResourceExhausted,
        _ => EdgeClusterErrorKind.Internal,
    };
}
