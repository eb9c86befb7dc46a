using System.Diagnostics;
using EdgeCluster.Client.Connection;
using EdgeCluster.Client.Load;
using EdgeCluster.Grains.Failover;
using EdgeCluster.Grains.Interfaces.Diagnostics;
using EdgeCluster.Grains.Interfaces.Inference;
using EdgeCluster.Grains.Interfaces.Tensors;
using EdgeCluster.Grains.Transfer.Link;

namespace EdgeCluster.Client.Telemetry;

/// <summary>A request's call into the fleet under its client span, the root of the request's trace.</summary>
public static class InferenceCall
{
    public const string SpanName = "client.infer";

    /// <summary>
    /// Calls stage 0 of <paramref name="request"/>'s deployment on its origin device and returns the result with its trace id;
    /// with <paramref name="link"/>, the call (or, when calls do not take the link, its large inputs) goes on the origin's activation link.
    /// </summary>
    public static async Task<InferenceResult> InvokeAsync(IGrainFactory grains, InferenceRequest request, ActivationLinkStaging? link = null)
    {
        InferenceRequestLimit.Check(request);
        using var activity = EdgeClusterDiagnostics.ActivitySource.StartActivity(SpanName, ActivityKind.Client);
        activity?.SetTag("edgecluster.request_id", request.RequestId);
        activity?.SetTag("edgecluster.deployment", request.Deployment);
        activity?.SetTag("edgecluster.origin", request.OriginDevice);
        activity?.SetTag("edgecluster.bytes_in", TensorPayload.TotalBytes(request.Inputs));
        try
        {
            var key = IPipelineStageGrain.KeyFor(request.OriginDevice, request.Deployment, 0);
            var result = link is null ? null : await link.TryInferAsync(request, key);
            if (result is null)
            {
                var call = link is null ? request : request with { Inputs = await link.StageAsync(request.OriginDevice, request.RequestId, request.Inputs) };
                result = await grains.GetGrain<IPipelineStageGrain>(key).InferAsync(call);
            }

            activity?.SetTag("edgecluster.stages", result.Hops.Length);
            activity?.SetTag("edgecluster.bytes_out", TensorPayload.TotalBytes(result.Outputs));

            // The fleet reports the trace it ran under; without a listener there it may have none while we do.
            return result.TraceId is null && activity is not null ? result with { TraceId = activity.TraceId.ToHexString() } : result;
        }
        catch (Exception exception) when (DeviceFailures.IsTransport(exception))
        {
            // Only the origin is called from here: every later device's failure arrives wrapped by the stage before it.
            var lost = OriginInference.Lost(request.OriginDevice, request.RequestId, exception);
            activity?.SetStatus(ActivityStatusCode.Error, lost.Message);
            throw lost;
        }
        catch (Exception exception)
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            throw;
        }
    }
}
