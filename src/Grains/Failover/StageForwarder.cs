using EdgeCluster.Grains.Diagnostics;
using EdgeCluster.Grains.Inference;
using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Inference;
using EdgeCluster.Grains.Interfaces.Tensors;
using EdgeCluster.Grains.Transfer;
using EdgeCluster.Grains.Transfer.Link;
using Polly;

namespace EdgeCluster.Grains.Failover;

/// <summary>
/// Hands a request to the next stage and, when that stage's device fails or leaves, retries from here, the
/// last completed stage, which still holds the tensors: the deployment re-places the stage and the same
/// request goes to its new device. A re-plan that changes the layout sends the request back to its origin.
/// </summary>
public sealed class StageForwarder(IGrainFactory grains, IClusterMembershipService membership, StageRoutes routes, ReplicaSelector replicas, string device, ActivationTransferOptions transfer, ActivationLinkStaging link)
{
    public async Task<InferenceResult> ForwardAsync(StageRequest request, DeploymentRoute route)
    {
        var current = route;
        var failed = new HashSet<string>(StringComparer.Ordinal);
        var scope = $"{request.Deployment}/{request.Stage}";
        var target = replicas.Choose(LiveReplicas(current.Stages[request.Stage]), failed, scope);
        var attempt = 0;
        var pipeline = new ResiliencePipelineBuilder()
            .AddRetry(StageCallRetry.HopOptions(
                exception => ShouldRetry(exception, target),
                args =>
                {
                    PipelineMetrics.Retries.Add(1, new KeyValuePair<string, object?>("stage", request.Stage));
                    return ValueTask.CompletedTask;
                }))
            .Build();
        try
        {
            var result = await pipeline.ExecuteAsync(async _ =>
            {
                if (attempt++ > 0)
                {
                    // The replica that failed is out of rotation for this request; the same request id goes to another one.
                    failed.Add(target);
                    var latest = await grains.GetGrain<IDeploymentGrain>(request.Deployment).RepairAsync(target);
                    routes.Remember(latest);
                    if (!RouteLayout.SameLayout(latest, current))
                    {
                        throw new RouteChangedException(
                            $"Deployment '{request.Deployment}' was re-planned (version {current.Version} → {latest.Version}) while request {request.RequestId} waited for stage {request.Stage}.");
                    }

                    current = latest;
                    target = replicas.Choose(LiveReplicas(current.Stages[request.Stage]), failed, scope);
                }

                var key = IPipelineStageGrain.KeyFor(target, request.Deployment, request.Stage);
                using var lease = await replicas.StartAsync(target, request.Stage, scope);

                // Counted per attempt, against the replica that actually receives the bytes.
                PipelineMetrics.LinkBytes.Add(
                    TensorPayload.TotalBytes(request.Tensors),
                    new KeyValuePair<string, object?>(MetricTags.Source, device),
                    new KeyValuePair<string, object?>(MetricTags.Target, target));
                var call = request with { RouteVersion = current.Version };
                if (await link.TryRunStageAsync(target, key, call) is { } viaLink)
                {
                    return viaLink;
                }

                var next = grains.GetGrain<IPipelineStageGrain>(key);
                var tensors = await link.StageAsync(target, request.RequestId, request.Tensors);
                tensors = await ActivationChunker.StageAsync(next, request.RequestId, tensors, transfer);
                return await next.RunAsync(call with { Tensors = tensors });
            });
            return attempt > 1 ? result with { Retries = result.Retries + attempt - 1 } : result;
        }
        catch (Exception exception) when (DeviceFailures.IsTransport(exception))
        {
            throw new EdgeClusterException(
                EdgeClusterErrorKind.Unavailable,
                $"Stage {request.Stage} of '{request.Deployment}' on device '{target}' did not answer after {attempt} attempts: {exception.Message}",
                exception);
        }
    }

    /// <summary>The stage's replicas this silo sees as active; all of them when it sees none (the repair decides then).</summary>
    private string[] LiveReplicas(StageRoute stage)
    {
        var devices = stage.Devices;
        var live = devices.Where(membership.IsActive).ToArray();
        return live.Length == 0 ? devices : live;
    }

    private bool ShouldRetry(Exception exception, string target) => exception switch
    {
        RouteChangedException => false,
        _ when DeviceFailures.IsTransport(exception) => true,

        // A placement error or any failure while the target is no longer an active device: the device went away under the call.
        EdgeClusterException => !membership.IsActive(target),
        _ => false,
    };
}
