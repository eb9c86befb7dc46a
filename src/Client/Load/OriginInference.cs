using EdgeCluster.Client.Connection;
using EdgeCluster.Grains.Failover;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Inference;
using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Client.Load;

/// <summary>
/// An inference entering at its origin device, with the one failure the fleet cannot repair named as such:
/// when the origin device is lost, the request's raw input was only there, so the request fails rather than
/// being recovered from anywhere else.
/// </summary>
public static class OriginInference
{
    public const string OriginLostReason = "origin_lost";

    /// <summary>Runs one request; with <paramref name="watch"/>, a request whose origin vanishes fails as soon as the watch notices.</summary>
    public static async Task<InferenceResult> InferAsync(
        EdgeClusterClient client, string deployment, string originDevice, IReadOnlyList<NamedTensor> inputs, string requestId, OriginWatch? watch = null)
    {
        try
        {
            var call = client.InferAsync(deployment, originDevice, inputs, requestId: requestId);
            if (watch is not null && await Task.WhenAny(call, watch.Lost) != call)
            {
                _ = call.ContinueWith(static t => t.Exception, TaskScheduler.Default);
                throw Lost(originDevice, requestId, null);
            }

            return await call;
        }
        catch (Exception exception) when (DeviceFailures.IsTransport(exception))
        {
            throw Lost(originDevice, requestId, exception);
        }
    }

    /// <summary>The error of a request whose origin device went away under it.</summary>
    public static EdgeClusterException Lost(string originDevice, string requestId, Exception? cause) => new(
        EdgeClusterErrorKind.Unavailable,
        $"Origin device '{originDevice}' was lost while request {requestId} was in flight; its raw input lives only on that device, so the request failed and was not recovered elsewhere.",
        cause);

    /// <summary>A short, bounded reason for counting failures.</summary>
    public static string ReasonOf(Exception exception) => exception switch
    {
        EdgeClusterException { Message: var message } when message.StartsWith("Origin device", StringComparison.Ordinal) => OriginLostReason,
        EdgeClusterException edge => Snake(edge.Kind.ToString()),
        _ => Snake(exception.GetType().Name.Replace("Exception", "", StringComparison.Ordinal)),
    };

    private static string Snake(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
