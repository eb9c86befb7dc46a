using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace EdgeCluster.Grains.Transfer.Link;

/// <summary>
/// Sends tensor frames to other devices' links over kept-open connections, one frame per connection at a time;
/// concurrent senders to one device each take their own connection. A connection that fails is dropped.
/// </summary>
public sealed class ActivationLinkSender : IAsyncDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, ConcurrentBag<Socket>> _idle = new(StringComparer.Ordinal);
    private bool _disposed;

    /// <summary>Writes one frame with <paramref name="data"/> to the link at <paramref name="endpoint"/> (HOST:PORT).</summary>
    public async Task SendAsync(string endpoint, ActivationLinkFrame frame, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var connection = TakeIdle(endpoint) ?? await ConnectAsync(endpoint);
        try
        {
            // Header and payload in one gather write (a stream socket's send completes only when all of it is sent):
            // the receiver wakes once for the frame, not once for its header.
            await connection.SendAsync([new ArraySegment<byte>(frame.Encode()), new ArraySegment<byte>(data)], SocketFlags.None);
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        _idle.GetOrAdd(endpoint, _ => []).Add(connection);
    }

    public ValueTask DisposeAsync()
    {
        _disposed = true;
        foreach (var bag in _idle.Values)
        {
            while (bag.TryTake(out var socket))
            {
                socket.Dispose();
            }
        }

        return ValueTask.CompletedTask;
    }

    private Socket? TakeIdle(string endpoint) => _idle.TryGetValue(endpoint, out var bag) && bag.TryTake(out var socket) ? socket : null;

    private static async Task<Socket> ConnectAsync(string endpoint)
    {
        var target = IPEndPoint.Parse(endpoint);
        var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
        {
            NoDelay = true,
            SendBufferSize = ActivationLinkListener.SocketBufferBytes,
        };
        using var timeout = new CancellationTokenSource(ConnectTimeout);
        try
        {
            await socket.ConnectAsync(target, timeout.Token);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
