using System.Diagnostics;
using EdgeCluster.Grains.Devices;
using EdgeCluster.Grains.Diagnostics;
using EdgeCluster.Grains.Inference;
using EdgeCluster.Grains.Interfaces.Devices;
using EdgeCluster.Grains.Interfaces.Diagnostics;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Inference;
using Orleans.Serialization;

namespace EdgeCluster.Grains.Transfer.Link;

/// <summary>
/// Runs a stage call that arrived on this silo's link on the deployment's <see cref="StageRunner"/>, the same code an
/// Orleans call to the stage grain runs (retries, the origin's duplicate guard), without a second, local message.
/// The answer is the serialized result, or the serialized exception; a malformed call is answered with an error naming it.
/// A last stage's <see cref="OriginAnswer"/> for a request of this origin is handed to the request that waits for it.
/// </summary>
public sealed class ActivationLinkCallHandler(
    StageRunners runners, OriginAnswers answers, ActivationInbox inbox, TensorTrafficLedger ledger, Serializer serializer, ILocalSiloDetails silo)
{
    private long _served;

    /// <summary>Calls this silo received on its link since it started.</summary>
    public long Served => Interlocked.Read(ref _served);

    public async Task<(bool Failed, byte[] Body)> HandleAsync(ActivationLinkCallFrame call, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(call);
        ActivityContext.TryParse(call.TraceParent, call.TraceState, out var parent);
        using var activity = EdgeClusterDiagnostics.ActivitySource.StartActivity("activation_link.serve", ActivityKind.Server, parent);
        activity?.SetTag("edgecluster.device", silo.Name);
        activity?.SetTag("edgecluster.grain", call.GrainKey);
        ActivationLinkMetrics.CallServed(silo.Name, call.Method);
        Interlocked.Increment(ref _served);
        try
        {
            var result = await InvokeAsync(call, body);
            var answer = serializer.SerializeToArray(result);

            // An output that arrived on this link untouched (a graph output made by an earlier stage) is kept by the
            // stage until here; once serialized it is no longer needed.
            inbox.Release(result.Outputs);

            return (false, answer);
        }
        catch (Exception exception)
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            return (true, serializer.SerializeToArray(exception));
        }
    }

    private Task<InferenceResult> InvokeAsync(ActivationLinkCallFrame call, byte[] body)
    {
        // Only this device's stages: raw input sent to one device's link must not be passed on to another device.
        if (DeviceGrainKey.DeviceOf(call.GrainKey) != silo.Name)
        {
            throw EdgeClusterException.InvalidArgument(
                $"The link of device '{silo.Name}' was asked to call '{call.GrainKey}', a stage of another device.");
        }

        if (call.Method == ActivationLinkMethod.AnswerOrigin)
        {
            // The answer to the last stage says whether a request took the result; when none did, the chain carries it.
            var answer = Deserialize<OriginAnswer>(call, body);
            return Task.FromResult(new InferenceResult(answer.Result.RequestId, [], []) { AnsweredOrigin = answers.TryAccept(answer) });
        }

        var parts = call.GrainKey.Split(DeviceGrainKey.Separator);
        if (parts.Length != 3)
        {
            throw EdgeClusterException.InvalidArgument($"'{call.GrainKey}' is not a stage key (device/deployment/stage).");
        }

        var runner = runners.For(parts[1]);
        if (call.Method == ActivationLinkMethod.Infer)
        {
            var request = Deserialize<InferenceRequest>(call, body);
            ledger.RecordArrivals(request);
            return runner.InferAsync(request);
        }

        var stage = Deserialize<StageRequest>(call, body);
        ledger.RecordArrivals(stage);
        return runner.RunAsync(stage);
    }

    private T Deserialize<T>(ActivationLinkCallFrame call, byte[] body)
    {
        try
        {
            return serializer.Deserialize<T>(body) ?? throw new InvalidDataException("the request is empty");
        }
        catch (Exception exception) when (exception is not EdgeClusterException)
        {
            throw EdgeClusterException.InvalidArgument(
                $"The {call.Method} call to '{call.GrainKey}' on the link of device '{silo.Name}' carries a malformed {typeof(T).Name}: {exception.Message}");
        }
    }
}
