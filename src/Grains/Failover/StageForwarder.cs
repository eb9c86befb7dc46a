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
public sealed class StageForwarder
{
    private static readonly ResiliencePropertyKey<Hop> HopKey = new("edgecluster.hop");

    private readonly IGrainFactory _grains;
    private readonly IClusterMembershipService _membership;
    private readonly StageRoutes _routes;
    private readonly ReplicaSelector _replicas;
    private readonly string _device;
    private readonly ActivationTransferOptions _transfer;
    private readonly ActivationLinkStaging _link;

    // Built once: building a pipeline per hop cost about 0.09 ms of each request's path.
    private readonly ResiliencePipeline _retries;

    public StageForwarder(
        IGrainFactory grains,
        IClusterMembershipService membership,
        StageRoutes routes,
        ReplicaSelector replicas,
        string device,
        ActivationTransferOptions transfer,
        ActivationLinkStaging link)
    {
        _grains = grains;
        _membership = membership;
        _routes = routes;
        _replicas = replicas;
        _device = device;
        _transfer = transfer;
        _link = link;
        _retries = new ResiliencePipelineBuilder()
            .AddRetry(StageCallRetry.HopOptions(
                (exception, context) => ShouldRetry(exception, context.Properties.GetValue(HopKey, null!).Target),
                args =>
                {
                    PipelineMetrics.Retries.Add(1, new KeyValuePair<string, object?>("stage", args.Context.Properties.GetValue(HopKey, null!).Request.Stage));
                    return ValueTask.CompletedTask;
                }))
            .Build();
    }

    public async Task<InferenceResult> ForwardAsync(StageRequest request, DeploymentRoute route)
    {
        var hop = new Hop(request, route, $"{request.Deployment}/{request.Stage}");
        hop.Target = _replicas.Choose(LiveReplicas(route.Stages[request.Stage]), hop.Failed, hop.Scope);
        var context = ResilienceContextPool.Shared.Get();
        context.Properties.Set(HopKey, hop);
        try
        {
            // The attempts before the one that answered travel on in the request (StageRequest.Retries).
            return await _retries.ExecuteAsync(static (_, state) => state.Self.AttemptAsync(state.Hop), context, (Self: this, Hop: hop));
        }
        catch (Exception exception) when (DeviceFailures.IsTransport(exception))
        {
            throw new EdgeClusterException(
                EdgeClusterErrorKind.Unavailable,
                $"Stage {request.Stage} of '{request.Deployment}' on device '{hop.Target}' did not answer after {hop.Attempts} attempts: {exception.Message}",
                exception);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async ValueTask<InferenceResult> AttemptAsync(Hop hop)
    {
        var request = hop.Request;
        if (hop.Attempts++ > 0)
        {
            // The replica that failed is out of rotation for this request; the same request id goes to another one.
            hop.Failed.Add(hop.Target);
            var latest = await _grains.GetGrain<IDeploymentGrain>(request.Deployment).RepairAsync(hop.Target);
            _routes.Remember(latest);
            if (!RouteLayout.SameLayout(latest, hop.Route))
            {
                throw new RouteChangedException(
                    $"Deployment '{request.Deployment}' was re-planned (version {hop.Route.Version} → {latest.Version}) while request {request.RequestId} waited for stage {request.Stage}.");
            }

            hop.Route = latest;
            hop.Target = _replicas.Choose(LiveReplicas(latest.Stages[request.Stage]), hop.Failed, hop.Scope);
        }

        var target = hop.Target;
        var key = IPipelineStageGrain.KeyFor(target, request.Deployment, request.Stage);
        var expected = _replicas.LatencyMilliseconds(target, hop.Scope);
        using var lease = await _replicas.StartAsync(target, request.Stage, hop.Scope);

        // Counted per attempt, against the replica that actually receives the bytes.
        PipelineMetrics.LinkBytes.Add(
            TensorPayload.TotalBytes(request.Tensors),
            new KeyValuePair<string, object?>(MetricTags.Source, _device),
            new KeyValuePair<string, object?>(MetricTags.Target, target));
        var call = request with { RouteVersion = hop.Route.Version, Retries = request.Retries + hop.Attempts - 1 };
        if (await _link.TryRunStageAsync(target, key, call, expected) is { } viaLink)
        {
            return viaLink;
        }

        var next = _grains.GetGrain<IPipelineStageGrain>(key);
        var tensors = await _link.StageAsync(target, request.RequestId, request.Tensors);
        tensors = await ActivationChunker.StageAsync(next, request.RequestId, tensors, _transfer);
        return await next.RunAsync(call with { Tensors = tensors });
    }

    /// <summary>The stage's replicas this silo sees as active; all of them when it sees none (the repair decides then).</summary>
    private string[] LiveReplicas(StageRoute stage)
    {
        var devices = stage.Devices;
        var live = devices.Where(_membership.IsActive).ToArray();
        return live.Length == 0 ? devices : live;
    }

    private bool ShouldRetry(Exception exception, string target) => exception switch
    {
        RouteChangedException => false,
        _ when DeviceFailures.IsTransport(exception) => true,

        // A placement error or any failure while the target is no longer an active device: the device went away under the call.
        EdgeClusterException => !_membership.IsActive(target),
        _ => false,
    };

    /// <summary>One request's way to the next stage: where it goes now, and the replicas that failed it.</summary>
    private sealed class Hop(StageRequest request, DeploymentRoute route, string scope)
    {
        public StageRequest Request { get; } = request;

        public string Scope { get; } = scope;

        public HashSet<string> Failed { get; } = new(StringComparer.Ordinal);

        public DeploymentRoute Route { get; set; } = route;

        public string Target { get; set; } = "";

        public int Attempts { get; set; }
    }
}
