using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using EdgeCluster.Grains.Diagnostics;
using EdgeCluster.Grains.Interfaces.Devices;
using EdgeCluster.Grains.Interfaces.Diagnostics;
using EdgeCluster.Grains.Interfaces.Inference;
using EdgeCluster.Grains.Interfaces.Tensors;
using EdgeCluster.Grains.Security;
using Orleans.Serialization;

namespace EdgeCluster.Grains.Transfer.Link;

/// <summary>
/// The sending side of the activation link, used by stages and by clients: every tensor of at least
/// <see cref="ActivationLinkOptions.MinBytes"/> goes ahead on the target device's link, and the call carries only its
/// transfer id; with <see cref="ActivationLinkOptions.Calls"/> the call itself and its answer take the link as well.
/// When the link cannot be used, the tensor stays inside the call, the call goes through Orleans, and the device is
/// not tried again for <see cref="ActivationLinkOptions.RetryUnreachableAfter"/>.
/// </summary>
/// <param name="isActive">Whether a device is still in the fleet (silos know, clients do not): a call waiting on a device that left ends then.</param>
/// <param name="resumeOnReceiveThread">Whether callers resume on the thread that read their answer; see <see cref="ActivationLinkSender"/>.</param>
/// <param name="tls">The fleet's credentials when its links run over TLS; null for plain TCP.</param>
public sealed class ActivationLinkStaging(
    IGrainFactory grains,
    Serializer serializer,
    ActivationLinkOptions options,
    string source,
    Func<string, bool>? isActive = null,
    bool resumeOnReceiveThread = false,
    FleetCredentials? tls = null) : IAsyncDisposable
{
    private static readonly TimeSpan LivenessCheck = TimeSpan.FromSeconds(1);

    private readonly ActivationLinkDirectory _directory = new(grains);
    private readonly ActivationLinkSender _sender = new(resumeOnReceiveThread, tls);
    private readonly ConcurrentDictionary<string, long> _unreachableSince = new(StringComparer.Ordinal);

    /// <summary>The tensors as the call to <paramref name="target"/> should carry them, after sending the large ones on its link.</summary>
    public async Task<TensorPayload[]> StageAsync(string target, string requestId, TensorPayload[] tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (!Array.Exists(tensors, IsLarge) || await UsableEndpointAsync(target) is not { } endpoint)
        {
            return tensors;
        }

        using var activity = StartActivity("activation_link.send", ActivityKind.Internal, target, requestId);
        var transfer = NewTransferId(requestId);
        var staged = new TensorPayload[tensors.Length];
        long bytes = 0;
        for (var i = 0; i < tensors.Length; i++)
        {
            var tensor = tensors[i];
            if (!IsLarge(tensor))
            {
                staged[i] = tensor;
                continue;
            }

            try
            {
                await _sender.SendAsync(endpoint, Frame(requestId, transfer, tensor), tensor.Data);
                staged[i] = Staged(tensor, transfer);
                bytes += tensor.Data.LongLength;
            }
            catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or FormatException)
            {
                // This tensor and the rest ride inside the call; the ones already sent are claimed from the link as usual.
                MarkUnreachable(target, exception, activity);
                Array.Copy(tensors, i, staged, i, tensors.Length - i);
                break;
            }
        }

        ActivationLinkMetrics.Sent(bytes, source, target);
        activity?.SetTag("edgecluster.bytes", bytes);
        return staged;
    }

    /// <summary>Calls stage 0 on the request's origin through its link; null when the link cannot take the call (use Orleans then).</summary>
    public Task<InferenceResult?> TryInferAsync(InferenceRequest request, string grainKey)
    {
        ArgumentNullException.ThrowIfNull(request);
        return TryCallAsync(
            request.OriginDevice, ActivationLinkMethod.Infer, grainKey, request.RequestId, request.Inputs, staged => request with { Inputs = staged });
    }

    /// <summary>Calls the stage <paramref name="grainKey"/> on <paramref name="target"/> through its link; null when the link cannot take the call.</summary>
    /// <param name="expectedMilliseconds">How long calls to this stage took lately (0: unknown); a short one is polled for.</param>
    public Task<InferenceResult?> TryRunStageAsync(string target, string grainKey, StageRequest request, double expectedMilliseconds = 0)
    {
        ArgumentNullException.ThrowIfNull(request);
        var spin = expectedMilliseconds > 0 && expectedMilliseconds <= options.SpinForAnswer.TotalMilliseconds ? options.SpinForAnswer : TimeSpan.Zero;
        return TryCallAsync(
            target, ActivationLinkMethod.RunStage, grainKey, request.RequestId, request.Tensors, staged => request with { Tensors = staged }, spin);
    }

    /// <summary>
    /// Hands a request's result to its origin through the origin's link: true when the request there took it; false
    /// when no request waits for it or the link cannot take the call.
    /// </summary>
    public async Task<bool> TryAnswerOriginAsync(string origin, OriginAnswer answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var taken = await TryCallAsync(
            origin, ActivationLinkMethod.AnswerOrigin, DeviceGrainKey.Create(origin, "answers"), answer.Result.RequestId, [], _ => answer);
        return taken?.AnsweredOrigin == true;
    }

    public ValueTask DisposeAsync() => _sender.DisposeAsync();

    private async Task<InferenceResult?> TryCallAsync<TRequest>(
        string target, ActivationLinkMethod method, string grainKey, string requestId, TensorPayload[] tensors, Func<TensorPayload[], TRequest> withTensors, TimeSpan spinForAnswer = default)
    {
        if (!options.Calls || await UsableEndpointAsync(target) is not { } endpoint)
        {
            return null;
        }

        using var activity = StartActivity("activation_link.call", ActivityKind.Client, target, requestId);

        // The large tensors as frames ahead of the call, on its connection: they are deposited before the call is read.
        var frames = new List<ArraySegment<byte>>(2 * tensors.Length + 2);
        var transfer = NewTransferId(requestId);
        long bytes = 0;
        var staged = Array.ConvertAll(tensors, tensor =>
        {
            if (!IsLarge(tensor))
            {
                return tensor;
            }

            frames.Add(new ArraySegment<byte>(Frame(requestId, transfer, tensor).Encode()));
            frames.Add(new ArraySegment<byte>(tensor.Data));
            bytes += tensor.Data.LongLength;
            return Staged(tensor, transfer);
        });
        var body = serializer.SerializeToArray(withTensors(staged));
        var call = new ActivationLinkCallFrame(method, grainKey, Activity.Current?.Id ?? "", Activity.Current?.TraceStateString ?? "", body.LongLength);
        frames.Add(new ArraySegment<byte>(call.Encode()));
        frames.Add(new ArraySegment<byte>(body));

        (ActivationLinkReplyFrame Frame, byte[] Body) reply;
        try
        {
            reply = await CallWhileActiveAsync(target, endpoint, frames, spinForAnswer);
        }
        catch (ActivationLinkBrokenException exception)
        {
            // The call may have run there; the caller's failover decides, and its retry goes through Orleans.
            MarkUnreachable(target, exception, activity);
            throw;
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException)
        {
            // Nothing was sent whole: the call goes through Orleans, with its tensors inside.
            MarkUnreachable(target, exception, activity);
            return null;
        }

        ActivationLinkMetrics.Sent(bytes, source, target);
        activity?.SetTag("edgecluster.bytes", bytes);
        if (reply.Frame.Failed)
        {
            var error = serializer.Deserialize<Exception>(reply.Body)
                ?? new ActivationLinkBrokenException($"Device '{target}' answered the call on its link with an empty error.");
            activity?.SetStatus(ActivityStatusCode.Error, error.Message);
            throw error;
        }

        return serializer.Deserialize<InferenceResult>(reply.Body);
    }

    private async Task<(ActivationLinkReplyFrame, byte[])> CallWhileActiveAsync(string target, string endpoint, List<ArraySegment<byte>> frames, TimeSpan spinForAnswer)
    {
        using var abandon = new CancellationTokenSource();
        var replying = _sender.CallAsync(endpoint, frames, options.MaxFrameBytes, options.CallTimeout, abandon.Token, spinForAnswer);
        if (isActive is not null)
        {
            // Orleans fails calls to a silo once membership declares it dead; a call on the link ends the same way.
            // The check's timer goes with the call, instead of staying queued for a second after each quick answer.
            using var answered = new CancellationTokenSource();
            while (await Task.WhenAny(replying, Task.Delay(LivenessCheck, answered.Token)) != replying)
            {
                if (!isActive(target))
                {
                    await abandon.CancelAsync();
                    break;
                }
            }

            // Cancel, not CancelAsync: that runs the timer's callback on the thread pool and resumes this caller there.
            answered.Cancel();
        }

        return await replying;
    }

    /// <summary>The link endpoint of <paramref name="target"/> when its link may be used now; null otherwise.</summary>
    private async ValueTask<string?> UsableEndpointAsync(string target) =>
        !options.Enabled || target == source || Unreachable(target) ? null : await _directory.FindAsync(target);

    private Activity? StartActivity(string name, ActivityKind kind, string target, string requestId)
    {
        var activity = EdgeClusterDiagnostics.ActivitySource.StartActivity(name, kind);
        activity?.SetTag("edgecluster.device", source);
        activity?.SetTag("edgecluster.target", target);
        activity?.SetTag("edgecluster.request_id", requestId);
        return activity;
    }

    private static ActivationLinkFrame Frame(string requestId, string transfer, TensorPayload tensor) =>
        new(requestId, transfer, tensor.Name, tensor.Data.LongLength);

    private static TensorPayload Staged(TensorPayload tensor, string transfer) => tensor with { Data = [], StagedTransfer = transfer };

    private static string NewTransferId(string requestId) => $"{ActivationInbox.TransferPrefix}{requestId}/{Guid.NewGuid():N}";

    private void MarkUnreachable(string target, Exception exception, Activity? activity)
    {
        _unreachableSince[target] = Stopwatch.GetTimestamp();
        _directory.Forget(target);
        ActivationLinkMetrics.FellBack(source, target);
        activity?.SetTag("edgecluster.link_error", exception.Message);
    }

    private bool IsLarge(TensorPayload tensor) => tensor.StagedTransfer is null && tensor.Data.Length >= options.MinBytes;

    private bool Unreachable(string target)
    {
        if (!_unreachableSince.TryGetValue(target, out var since))
        {
            return false;
        }

        if (Stopwatch.GetElapsedTime(since) < options.RetryUnreachableAfter)
        {
            return true;
        }

        _unreachableSince.TryRemove(target, out _);
        return false;
    }
}
