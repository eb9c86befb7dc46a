using System.Net;
using System.Net.Sockets;

namespace EdgeCluster.Client.Load;

/// <summary>
/// Watches a request origin's gateway from the client's side. Orleans keeps a call to a gateway that vanished
/// waiting until the response timeout (minutes); when the origin stops accepting connections for two probes in a
/// row, <see cref="Lost"/> completes so its requests fail now, as origin losses.
/// </summary>
public sealed class OriginWatch : IAsyncDisposable
{
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _lost = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _loop;

    public OriginWatch(IPEndPoint gateway)
    {
        _loop = WatchAsync(gateway, _stop.Token);
    }

    /// <summary>Completes once the origin is gone; never fails.</summary>
    public Task Lost => _lost.Task;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task WatchAsync(IPEndPoint gateway, CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            failures = await AcceptsAsync(gateway, cancellationToken) ? 0 : failures + 1;
            if (failures >= 2)
            {
                _lost.TrySetResult();
                return;
            }

            try
            {
                await Task.Delay(ProbeInterval, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static async Task<bool> AcceptsAsync(IPEndPoint gateway, CancellationToken cancellationToken)
    {
        using var socket = new Socket(gateway.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            await socket.ConnectAsync(gateway, timeout.Token);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (OperationCanceledException)
        {
            return cancellationToken.IsCancellationRequested;
        }
    }
}
