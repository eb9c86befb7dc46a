using System.Diagnostics;
using EdgeCluster.Grains.Diagnostics;
using EdgeCluster.Grains.Failover;
using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Grains.Interfaces.Diagnostics;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Inference;
using EdgeCluster.Grains.Interfaces.Tensors;
using EdgeCluster.Grains.Transfer;

namespace EdgeCluster.Grains.Inference;

/// <summary>
/// One deployment's stages on this silo: runs the local shard on what a stage received and calls the next stage's
/// device directly. Called by the stage grain (Orleans calls) and by the activation link (calls that came on it), from
/// any thread, so it keeps no state but the thread-safe route cache. When the next device fails, the hop is retried
/// from here on the repaired route; on the origin a duplicate request id is rejected.
/// </summary>
public sealed class StageRunner
{
    // A re-plan under a request sends it back to its origin at most this often before the request fails.
    private const int MaxRestartsFromOrigin = 3;

    private readonly StageRunners _services;
    private readonly StageRoutes _routes;
    private readonly StageForwarder _forwarder;

    public StageRunner(StageRunners services, string deployment)
    {
        ArgumentNullException.ThrowIfNull(services);
        _services = services;
        _routes = new StageRoutes(services.Grains, deployment);
        _forwarder = new StageForwarder(
            services.Grains, services.Membership, _routes, services.Replicas, services.Device, services.Transfer, services.Link);
    }

    public async Task<InferenceResult> InferAsync(InferenceRequest request)
    {
        using var activity = EdgeClusterDiagnostics.ActivitySource.StartActivity("request");
        using var inFlight = PipelineMetrics.TrackRequest(_services.Device);
        activity?.SetTag("edgecluster.device", _services.Device);
        activity?.SetTag("edgecluster.request_id", request.RequestId);
        activity?.SetTag("edgecluster.deployment", request.Deployment);
        activity?.SetTag("edgecluster.origin", request.OriginDevice);
        var watch = Stopwatch.StartNew();
        try
        {
            if (request.OriginDevice != _services.Device)
            {
                throw EdgeClusterException.InvalidArgument(
                    $"Request {request.RequestId} names origin device '{request.OriginDevice}' but entered on '{_services.Device}'; raw input is only accepted on its own device.");
            }

            if (_services.Work.Draining)
            {
                throw EdgeClusterException.Unavailable(
                    $"Device '{_services.Device}' is leaving the fleet and accepts no new requests; request {request.RequestId} was not started.");
            }

            var route = await GetRouteAsync(0);
            request = request with { Inputs = await _services.Inbox.ClaimAsync(request.Inputs) };
            InferenceRequestValidator.Validate(request, route);
            _services.OriginGuard.Admit(request.Deployment, request.RequestId, _services.Device);
            using var tracked = _services.Work.Track();
            var result = await RunFromOriginAsync(request, route);

            // Kept until here: a re-plan restarts the request from these inputs.
            ReleaseLinkBuffers(request.Inputs, result.Outputs);
            PipelineMetrics.RequestDuration.Record(watch.Elapsed.TotalMilliseconds, new KeyValuePair<string, object?>("model", route.Model));
            return result with { TraceId = Activity.Current?.TraceId.ToHexString() };
        }
        catch (Exception exception)
        {
            PipelineMetrics.Failures.Add(1, new KeyValuePair<string, object?>(MetricTags.Reason, FailureReasons.Of(exception)));
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            throw;
        }
    }

    public async Task<InferenceResult> RunAsync(StageRequest request)
    {
        using var tracked = _services.Work.Track();
        try
        {
            return await RunStageAsync(request);
        }
        catch (Exception exception) when (exception is not EdgeClusterException and not RouteChangedException)
        {
            // Upstream reads a transport exception as "this device is gone"; failures of our own calls must not look like that.
            throw new EdgeClusterException(
                DeviceFailures.IsTransport(exception) ? EdgeClusterErrorKind.Unavailable : EdgeClusterErrorKind.Internal,
                $"Stage {request.Stage} of '{request.Deployment}' on '{_services.Device}' failed: {exception.Message}",
                exception);
        }
    }

    /// <summary>Runs the pipeline from stage 0 here; when the deployment was re-planned under the request, starts it again with the raw input this device still holds.</summary>
    private async Task<InferenceResult> RunFromOriginAsync(InferenceRequest request, DeploymentRoute route)
    {
        for (var restarts = 0; ; restarts++)
        {
            try
            {
                var first = new StageRequest(request.RequestId, request.Deployment, 0, route.Version, request.OriginDevice, request.Inputs, request.OutputNames);

                // From the third stage on, the last stage's answer would climb back through stages that only pass it on.
                using var wait = route.Stages.Length > 2 ? _services.Answers.Expect() : null;
                var result = wait is null
                    ? await RunStageAsync(first)
                    : await FirstAnswerAsync(RunStageAsync(first with { AnswerToken = wait.Token }), wait.Answered);
                return restarts > 0 ? result with { Retries = result.Retries + restarts } : result;
            }
            catch (RouteChangedException) when (restarts < MaxRestartsFromOrigin)
            {
                PipelineMetrics.Retries.Add(1, new KeyValuePair<string, object?>("stage", 0));
                route = await _routes.LatestAsync(refresh: true);
            }
            catch (RouteChangedException exception)
            {
                throw EdgeClusterException.Unavailable($"Request {request.RequestId} gave up after {restarts} restarts from its origin: {exception.Message}");
            }
            catch (Exception exception) when (DeviceFailures.IsTransport(exception))
            {
                throw new EdgeClusterException(
                    EdgeClusterErrorKind.Unavailable, $"Request {request.RequestId} could not reach its deployment '{request.Deployment}': {exception.Message}", exception);
            }
        }
    }

    /// <summary>
    /// The result from whichever comes first: the last stage handing it over directly, or the chain's answer (which
    /// carries it when the last stage could not hand it over). Once handed over, the chain's outcome no longer matters.
    /// </summary>
    private static async Task<InferenceResult> FirstAnswerAsync(Task<InferenceResult> chain, Task<InferenceResult> answered)
    {
        if (await Task.WhenAny(chain, answered) == answered)
        {
            _ = chain.ContinueWith(
                static ended => _ = ended.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return await answered;
        }

        var result = await chain;
        return result.AnsweredOrigin ? await answered : result;
    }

    private async Task<InferenceResult> RunStageAsync(StageRequest request)
    {
        var arrivedAt = Stopwatch.GetTimestamp();
        using var activity = EdgeClusterDiagnostics.ActivitySource.StartActivity("stage.run");
        activity?.SetTag("edgecluster.device", _services.Device);
        activity?.SetTag("edgecluster.stage", request.Stage);
        activity?.SetTag("edgecluster.request_id", request.RequestId);
        activity?.SetTag("edgecluster.deployment", request.Deployment);
        var route = await GetRouteAsync(request.RouteVersion);
        if (request.Stage < 0 || request.Stage >= route.Stages.Length)
        {
            throw EdgeClusterException.InvalidArgument($"Deployment '{route.Deployment}' has no stage {request.Stage}.");
        }

        var stage = route.Stages[request.Stage];
        using var ticket = StageQueue.Enter(_services.Device, stage.Index, arrivedAt);
        activity?.SetTag("edgecluster.shard", stage.ShardSha256);

        var arrived = _services.Assembler.Assemble(await _services.Inbox.ClaimAsync(request.Tensors));
        var bytesIn = TensorPayload.TotalBytes(arrived);
        var received = ActivationWire.Decode(arrived).ToDictionary(t => t.Name, StringComparer.Ordinal);
        var inputs = stage.InputNames.Select(name => received.TryGetValue(name, out var tensor)
            ? tensor
            : throw new EdgeClusterException(EdgeClusterErrorKind.Internal, $"Stage {stage.Index} of '{route.Deployment}' needs tensor '{name}', which did not arrive.")).ToArray();

        var last = stage.Index == route.Stages.Length - 1;
        var lent = last ? null : new List<byte[]>();
        var run = await RunShardAsync(stage, inputs, lent is null ? null : length => Lend(lent, length));
        ticket.Dispose();
        foreach (var output in run.Outputs)
        {
            received[output.Name] = output;
        }

        var forward = ActivationWire.Encode(stage.ForwardNames.Select(name => received[name]).ToArray(), stage.Codec);
        var bytesOut = TensorPayload.TotalBytes(forward);
        var device = new KeyValuePair<string, object?>("device", _services.Device);
        var stageTag = new KeyValuePair<string, object?>("stage", stage.Index);
        PipelineMetrics.StageComputeTime.Record(run.ComputeMilliseconds, device, stageTag);
        PipelineMetrics.StageBytesReceived.Add(bytesIn, device, stageTag);
        PipelineMetrics.StageBatchRows.Record(run.BatchRows, device, stageTag);
        activity?.SetTag("edgecluster.bytes_in", bytesIn);
        activity?.SetTag("edgecluster.bytes_out", bytesOut);
        activity?.SetTag("edgecluster.onnx_ms", run.ComputeMilliseconds);
        activity?.SetTag("edgecluster.queue_wait_ms", ticket.QueueWaitMilliseconds);
        activity?.SetTag("edgecluster.batch_rows", run.BatchRows);

        var hop = new StageHop(stage.Index, _services.Device, run.ComputeMilliseconds, bytesIn, bytesOut) { BatchRows = run.BatchRows };
        if (last)
        {
            var wanted = request.OutputNames.Length == 0 ? route.ModelOutputs : request.OutputNames;
            var outputs = wanted.Select(name => received[name]).ToArray();
            if (request.Stage > 0)
            {
                ReleaseLinkBuffers(arrived, outputs);
            }

            var result = new InferenceResult(request.RequestId, outputs, [hop]) { Retries = request.Retries };
            return request.AnswerToken is null ? result : await AnswerOriginAsync(request, result, activity);
        }

        TensorPayload[] passedOn = [];
        if (request.Stage > 0)
        {
            // Stage 0 keeps the origin's inputs until the request ends; later stages are re-sent theirs on a retry.
            ReleaseLinkBuffers(arrived, forward);
            passedOn = Array.FindAll(arrived, tensor => Array.Exists(forward, f => ReferenceEquals(f.Data, tensor.Data)));
        }

        var next = route.Stages[stage.Index + 1];
        var onward = request with
        {
            Stage = next.Index,
            RouteVersion = route.Version,
            Tensors = forward,
            UpstreamHops = request.AnswerToken is null ? [] : [.. request.UpstreamHops, hop],
        };
        var downstream = await _forwarder.ForwardAsync(onward, route);

        // Only after an answer: a failed hop may have left a call still reading them. A local next stage may answer with one of them.
        foreach (var array in lent!)
        {
            if (!Array.Exists(downstream.Outputs, o => ReferenceEquals(o.Data, array)))
            {
                _services.Inbox.Buffers.Return(array);
            }
        }

        // Tensors that only passed through this stage went on with the call.
        ReleaseLinkBuffers(passedOn, downstream.Outputs);
        return downstream with { Hops = [hop, .. downstream.Hops] };
    }

    /// <summary>
    /// Hands the whole result to the waiting origin and answers up the chain without outputs; when the origin does not
    /// take it (no request waits for it any more, or its link is down), the result goes up the chain as before.
    /// </summary>
    private async Task<InferenceResult> AnswerOriginAsync(StageRequest request, InferenceResult result, Activity? activity)
    {
        var answer = new OriginAnswer(
            request.AnswerToken!, result with { Hops = [.. request.UpstreamHops, .. result.Hops] });
        bool taken;
        try
        {
            taken = request.OriginDevice == _services.Device
                ? _services.Answers.TryAccept(answer)
                : await _services.Link.TryAnswerOriginAsync(request.OriginDevice, answer);
        }
        catch (Exception exception)
        {
            // Whatever stopped the hand-over, the chain still reaches the origin.
            activity?.SetTag("edgecluster.answer_origin_error", exception.Message);
            taken = false;
        }

        activity?.SetTag("edgecluster.answered_origin", taken);
        if (!taken)
        {
            return result;
        }

        PipelineMetrics.OriginAnswers.Add(1, new KeyValuePair<string, object?>("device", _services.Device));
        if (request.OriginDevice != _services.Device)
        {
            // Serialized and sent: outputs that arrived on this device's link untouched are free again.
            _services.Inbox.Release(result.Outputs);
        }

        return result with { Outputs = [], AnsweredOrigin = true };
    }

    /// <summary>
    /// An output array from the link's pool, for a stage whose outputs are only sent on: a fresh megabyte array per
    /// request costs its page faults on every run.
    /// </summary>
    private byte[] Lend(List<byte[]> lent, int length)
    {
        var array = _services.Inbox.Buffers.Rent(length);
        lent.Add(array);
        return array;
    }

    /// <summary>
    /// Runs the shard with its session borrowed when this silo has it open (in a batch, when the stage batches), else
    /// through its grain (which opens it).
    /// </summary>
    private async Task<ShardRunResult> RunShardAsync(StageRoute stage, TensorPayload[] inputs, Func<int, byte[]>? allocateOutput)
    {
        var borrowed = _services.Sessions.TryBorrow(stage.ShardSha256);
        if (borrowed is null)
        {
            return await _services.Grains.GetGrain<IModelShardGrain>(IModelShardGrain.KeyFor(_services.Device, stage.ShardSha256)).RunAsync(inputs, stage.OutputNames);
        }

        try
        {
            return stage.Batching is { } batching
                ? await borrowed.Batcher.RunAsync(_services.Compute, inputs, stage.OutputNames, batching, allocateOutput)
                : await ShardExecution.RunAsync(_services.Compute, borrowed.Session, inputs, stage.OutputNames, allocateOutput);
        }
        finally
        {
            borrowed.Release();
        }
    }

    /// <summary>Gives the arrays that arrived on the link back to its pool, except those still travelling in <paramref name="kept"/>.</summary>
    private void ReleaseLinkBuffers(TensorPayload[] arrived, TensorPayload[] kept)
    {
        foreach (var tensor in arrived)
        {
            if (!Array.Exists(kept, k => ReferenceEquals(k.Data, tensor.Data)))
            {
                _services.Inbox.Release(tensor.Data);
            }
        }
    }

    /// <summary>Version 0: the newest route (entry at the origin); otherwise exactly the version the request travels under.</summary>
    private Task<DeploymentRoute> GetRouteAsync(int version) => version == 0 ? _routes.LatestAsync() : _routes.VersionAsync(version);
}
