using System.Diagnostics;
using EdgeCluster.Grains.Diagnostics;
using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Grains.Interfaces.Diagnostics;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Inference;
using EdgeCluster.Grains.Interfaces.Tensors;
using EdgeCluster.Grains.Placement;

namespace EdgeCluster.Grains.Inference;

/// <summary>
/// One stage of a deployment on this device: runs the local shard on what it received and calls the
/// next stage's device directly. Reentrant so that requests overlap on one stage.
/// </summary>
[DevicePlacement, Reentrant]
public sealed class PipelineStageGrain(ILocalSiloDetails silo) : Grain, IPipelineStageGrain
{
    // The entry stage has no version to compare against, so it re-reads the route at most this often.
    private static readonly TimeSpan RouteRefresh = TimeSpan.FromSeconds(1);

    private DeploymentRoute? _route;
    private long _routeReadAt;

    public async Task<InferenceResult> InferAsync(InferenceRequest request)
    {
        using var activity = EdgeClusterDiagnostics.ActivitySource.StartActivity("request");
        activity?.SetTag("edgecluster.request_id", request.RequestId);
        activity?.SetTag("edgecluster.deployment", request.Deployment);
        activity?.SetTag("edgecluster.origin", request.OriginDevice);
        var watch = Stopwatch.StartNew();
        try
        {
            if (request.OriginDevice != silo.Name)
            {
                throw EdgeClusterException.InvalidArgument(
                    $"Request {request.RequestId} names origin device '{request.OriginDevice}' but entered on '{silo.Name}'; raw input is only accepted on its own device.");
            }

            var route = await GetRouteAsync(0);
            InferenceRequestValidator.Validate(request, route);
            var result = await RunAsync(new StageRequest(
                request.RequestId, request.Deployment, 0, route.Version, request.OriginDevice, request.Inputs, request.OutputNames));
            PipelineMetrics.RequestDuration.Record(watch.Elapsed.TotalMilliseconds, new KeyValuePair<string, object?>("model", route.Model));
            return result with { TraceId = Activity.Current?.TraceId.ToHexString() };
        }
        catch (EdgeClusterException exception)
        {
            PipelineMetrics.Failures.Add(1, new KeyValuePair<string, object?>("reason", exception.Kind.ToString()));
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            throw;
        }
    }

    public async Task<InferenceResult> RunAsync(StageRequest request)
    {
        var route = await GetRouteAsync(request.RouteVersion);
        if (request.Stage < 0 || request.Stage >= route.Stages.Length)
        {
            throw EdgeClusterException.InvalidArgument($"Deployment '{route.Deployment}' has no stage {request.Stage}.");
        }

        var stage = route.Stages[request.Stage];
        using var activity = EdgeClusterDiagnostics.ActivitySource.StartActivity("stage.run");
        activity?.SetTag("edgecluster.device", silo.Name);
        activity?.SetTag("edgecluster.stage", stage.Index);
        activity?.SetTag("edgecluster.shard", stage.ShardSha256);

        var bytesIn = TensorPayload.TotalBytes(request.Tensors);
        var received = request.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var inputs = stage.InputNames.Select(name => received.TryGetValue(name, out var tensor)
            ? tensor
            : throw new EdgeClusterException(EdgeClusterErrorKind.Internal, $"Stage {stage.Index} of '{route.Deployment}' needs tensor '{name}', which did not arrive.")).ToArray();

        var shard = GrainFactory.GetGrain<IModelShardGrain>(IModelShardGrain.KeyFor(silo.Name, stage.ShardSha256));
        var run = await shard.RunAsync(inputs, stage.OutputNames);
        foreach (var output in run.Outputs)
        {
            received[output.Name] = output;
        }

        var forward = stage.ForwardNames.Select(name => received[name]).ToArray();
        var bytesOut = TensorPayload.TotalBytes(forward);
        var device = new KeyValuePair<string, object?>("device", silo.Name);
        var stageTag = new KeyValuePair<string, object?>("stage", stage.Index);
        PipelineMetrics.StageComputeTime.Record(run.ComputeMilliseconds, device, stageTag);
        PipelineMetrics.StageBytesReceived.Add(bytesIn, device, stageTag);
        activity?.SetTag("edgecluster.bytes_in", bytesIn);
        activity?.SetTag("edgecluster.bytes_out", bytesOut);
        activity?.SetTag("edgecluster.onnx_ms", run.ComputeMilliseconds);

        var hop = new StageHop(stage.Index, silo.Name, run.ComputeMilliseconds, bytesIn, bytesOut);
        if (stage.Index == route.Stages.Length - 1)
        {
            var wanted = request.OutputNames.Length == 0 ? route.ModelOutputs : request.OutputNames;
            var outputs = wanted.Select(name => received[name]).ToArray();
            return new InferenceResult(request.RequestId, outputs, [hop]);
        }

        var next = route.Stages[stage.Index + 1];
        PipelineMetrics.LinkBytes.Add(bytesOut, new KeyValuePair<string, object?>("source", silo.Name), new KeyValuePair<string, object?>("target", next.DeviceId));
        var nextStage = GrainFactory.GetGrain<IPipelineStageGrain>(IPipelineStageGrain.KeyFor(next.DeviceId, route.Deployment, next.Index));
        var downstream = await nextStage.RunAsync(request with { Stage = next.Index, RouteVersion = route.Version, Tensors = forward });
        return downstream with { Hops = [hop, .. downstream.Hops] };
    }

    private async Task<DeploymentRoute> GetRouteAsync(int atLeastVersion)
    {
        var stale = atLeastVersion == 0 && Stopwatch.GetElapsedTime(_routeReadAt) > RouteRefresh;
        if (_route is null || _route.Version < atLeastVersion || stale)
        {
            var deployment = this.GetPrimaryKeyString().Split('/')[1];
            _route = await GrainFactory.GetGrain<IDeploymentGrain>(deployment).GetRouteAsync();
            _routeReadAt = Stopwatch.GetTimestamp();
        }

        return _route;
    }
}
