using System.Collections.Concurrent;
using System.Diagnostics;
using EdgeCluster.Grains.Diagnostics;
using EdgeCluster.Grains.Interfaces.Diagnostics;
using EdgeCluster.Grains.Interfaces.Tensors;

namespace EdgeCluster.Grains.Transfer.Link;

/// <summary>
/// The sending side of the activation link, used by stages and by clients: every tensor of at least
/// <see cref="ActivationLinkOptions.MinBytes"/> goes ahead on the target device's link, and the call carries only its
/// transfer id. When the link cannot be used, the tensor stays inside the call and the device is not tried again
/// for <see cref="ActivationLinkOptions.RetryUnreachableAfter"/>.
/// </summary>
public sealed class ActivationLinkStaging(IGrainFactory grains, ActivationLinkOptions options, string source) : IAsyncDisposable
{
    private readonly ActivationLinkDirectory _directory = new(grains);
    private readonly ActivationLinkSender _sender = new();
    private readonly ConcurrentDictionary<string, long> _unreachableSince = new(StringComparer.Ordinal);

    /// <summary>The tensors as the call to <paramref name="target"/> should carry them, after sending the large ones on its link.</summary>
    public async Task<TensorPayload[]> StageAsync(string target, string requestId, TensorPayload[] tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (!options.Enabled || target == source || !Array.Exists(tensors, IsLarge) || Unreachable(target))
        {
            return tensors;
        }

        var endpoint = await _directory.FindAsync(target);
        if (endpoint is null)
        {
            return tensors;
        }

        using var activity = EdgeClusterDiagnostics.ActivitySource.StartActivity("activation_link.send");
        activity?.SetTag("edgecluster.device", source);
        activity?.SetTag("edgecluster.target", target);
        activity?.SetTag("edgecluster.request_id", requestId);
        var transfer = $"{ActivationInbox.TransferPrefix}{requestId}/{Guid.NewGuid():N}";
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
                await _sender.SendAsync(endpoint, new ActivationLinkFrame(requestId, transfer, tensor.Name, tensor.Data.LongLength), tensor.Data);
                staged[i] = tensor with { Data = [], StagedTransfer = transfer };
                bytes += tensor.Data.LongLength;
            }
            catch (Exception exception) when (exception is IOException or System.Net.Sockets.SocketException or OperationCanceledException or FormatException)
            {
                // This tensor and the rest ride inside the call; the ones already sent are claimed from the link as usual.
                _unreachableSince[target] = Stopwatch.GetTimestamp();
                _directory.Forget(target);
                ActivationLinkMetrics.FellBack(source, target);
                activity?.SetTag("edgecluster.link_error", exception.Message);
                for (var rest = i; rest < tensors.Length; rest++)
                {
                    staged[rest] = tensors[rest];
                }

                break;
            }
        }

        ActivationLinkMetrics.Sent(bytes, source, target);
        activity?.SetTag("edgecluster.bytes", bytes);
        return staged;
    }

    public ValueTask DisposeAsync() => _sender.DisposeAsync();

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
