using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace EdgeCluster.Grains.Transfer.Link;

/// <summary>
/// Writes to other devices' links over kept-open connections, one sender per connection at a time; concurrent
/// senders to one device each take their own connection. A connection that fails is dropped.
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
        var connection = await OpenAsync(endpoint);
        await WriteAsync(connection, [new ArraySegment<byte>(frame.Encode()), new ArraySegment<byte>(data)]);
        Return(endpoint, connection);
    }

    /// <summary>
    /// Writes <paramref name="frames"/> (tensor frames, then one call frame) and waits for the answer on the same
    /// connection. A failure before everything was written throws what the socket threw: nothing ran, so the caller
    /// may send the call another way. Once written, a failure is an <see cref="ActivationLinkBrokenException"/>.
    /// </summary>
    /// <param name="abandon">Cancelled when the callee is known to be gone (it left the fleet): the wait ends then.</param>
    public async Task<(ActivationLinkReplyFrame Frame, byte[] Body)> CallAsync(
        string endpoint, IList<ArraySegment<byte>> frames, long maxReplyBytes, TimeSpan timeout, CancellationToken abandon = default)
    {
        var connection = await OpenAsync(endpoint);
        await WriteAsync(connection, frames);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(abandon);
            deadline.CancelAfter(timeout);
            await using var stream = new NetworkStream(connection, ownsSocket: false);
            var reply = await ActivationLinkReplyFrame.ReadAsync(stream, maxReplyBytes, deadline.Token);
            Return(endpoint, connection);
            return reply;
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or InvalidDataException or EndOfStreamException)
        {
            connection.Dispose();
            var problem = exception switch
            {
                OperationCanceledException when abandon.IsCancellationRequested => "the device left the fleet",
                OperationCanceledException => $"no answer within {timeout.TotalSeconds:0.###} s",
                _ => exception.Message,
            };
            throw new ActivationLinkBrokenException($"The call sent on the link to {endpoint} got no answer: {problem}", exception);
        }
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

    private async Task<Socket> OpenAsync(string endpoint)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (_idle.TryGetValue(endpoint, out var bag) && bag.TryTake(out var idle))
        {
            // Readable while idle means the peer closed it (a restarted silo): writing there would lose the call.
            if (!idle.Poll(0, SelectMode.SelectRead))
            {
                return idle;
            }

            idle.Dispose();
        }

        return await ConnectAsync(endpoint);
    }

    private static async Task WriteAsync(Socket connection, IList<ArraySegment<byte>> frames)
    {
        try
        {
            // One gather write (a stream socket's send completes only when all of it is sent): the receiver wakes
            // once for the frames, not once per header.
            await connection.SendAsync(frames, SocketFlags.None);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private void Return(string endpoint, Socket connection) => _idle.GetOrAdd(endpoint, _ => []).Add(connection);

    private static async Task<Socket> ConnectAsync(string endpoint)
    {
        var target = IPEndPoint.Parse(endpoint);
        var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        ActivationLinkSockets.Configure(socket);
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
