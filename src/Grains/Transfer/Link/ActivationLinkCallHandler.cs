using System.Diagnostics;
using EdgeCluster.Grains.Diagnostics;
using EdgeCluster.Grains.Interfaces.Devices;
using EdgeCluster.Grains.Interfaces.Diagnostics;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Inference;
using Orleans.Serialization;

namespace EdgeCluster.Grains.Transfer.Link;

/// <summary>
/// Runs a stage call that arrived on this silo's link as a call to the local stage grain, so the grain's own
/// semantics (reentrancy, retries, the origin's duplicate guard) hold exactly as for an Orleans call. The answer is
/// the serialized result, or the serialized exception; a malformed call is answered with an error naming it.
/// </summary>
public sealed class ActivationLinkCallHandler(IGrainFactory grains, Serializer serializer, ILocalSiloDetails silo)
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
            return (false, serializer.SerializeToArray(result));
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

        var stage = grains.GetGrain<IPipelineStageGrain>(call.GrainKey);
        return call.Method switch
        {
            ActivationLinkMethod.Infer => stage.InferAsync(Deserialize<InferenceRequest>(call, body)),
            _ => stage.RunAsync(Deserialize<StageRequest>(call, body)),
        };
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
