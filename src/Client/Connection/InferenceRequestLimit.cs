using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Inference;

namespace EdgeCluster.Client.Connection;

/// <summary>
/// The largest raw input one grain call may carry. Orleans drops the whole connection when a message body passes
/// 100 MB, failing every other call on it too; a request over this limit is refused before it is sent.
/// </summary>
public static class InferenceRequestLimit
{
    /// <summary>Input bytes one request may carry: the Open Inference Protocol endpoints' default limit.</summary>
    public const long MaxInputBytes = 64L * 1024 * 1024;

    /// <summary>Throws ResourceExhausted, naming the request's tensors and sizes, when <paramref name="request"/> is over the limit.</summary>
    public static void Check(InferenceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var total = request.Inputs.Sum(t => t.Data.LongLength);
        if (total > MaxInputBytes)
        {
            throw new EdgeClusterException(
                EdgeClusterErrorKind.ResourceExhausted,
                $"Request {request.RequestId} carries {total} bytes of input tensors ({string.Join(", ", request.Inputs.Select(t => $"'{t.Name}' {t.Data.LongLength}"))}), " +
                $"more than the {MaxInputBytes} one call to the fleet may carry.");
        }
    }
}
