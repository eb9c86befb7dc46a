using System.Collections.Concurrent;
using EdgeCluster.Grains.Security;

namespace EdgeCluster.Grains.Transfer.Link;

/// <summary>
/// Writes to other devices' links over kept-open connections, one caller per connection at a time; concurrent
/// callers to one device each take their own connection. A connection that fails is dropped.
/// </summary>
/// <param name="resumeOnReceiveThread">
/// Whether a caller resumes on the thread that read its answer, sparing a thread-pool wake-up. Only for callers that
/// never block a thread on another call (the silo's own code): a caller that did could wait on its own answer.
/// </param>
/// <param name="tls">The fleet's credentials when its links run over TLS; null for plain TCP.</param>
public sealed class ActivationLinkSender(bool resumeOnReceiveThread = false, FleetCredentials? tls = null) : IAsyncDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, ConcurrentBag<ActivationLinkConnection>> _idle = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<ActivationLinkConnection, byte> _open = new();
    private bool _disposed;

    /// <summary>Writes one frame with <paramref name="data"/> to the link at <paramref name="endpoint"/> (HOST:PORT).</summary>
    public async Task SendAsync(string endpoint, ActivationLinkFrame frame, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var connection = await OpenAsync(endpoint);
        connection.Write([new ArraySegment<byte>(frame.Encode()), new ArraySegment<byte>(data)]);
        Return(connection);
    }

    /// <summary>
    /// Writes <paramref name="frames"/> (tensor frames, then one call frame) and waits for the answer on the same
    /// connection. A failure before everything was written throws what the socket threw: nothing ran, so the caller
    /// may send the call another way. Once written, a failure is an <see cref="ActivationLinkBrokenException"/>.
    /// </summary>
    /// <param name="abandon">Cancelled when the callee is known to be gone (it left the fleet): the wait ends then.</param>
    /// <param name="spinForAnswer">How long to poll for an answer expected soon before sleeping; zero sleeps at once.</param>
    public async Task<(ActivationLinkReplyFrame Frame, byte[] Body)> CallAsync(
        string endpoint, IList<ArraySegment<byte>> frames, long maxReplyBytes, TimeSpan timeout, CancellationToken abandon = default, TimeSpan spinForAnswer = default)
    {
        var connection = await OpenAsync(endpoint);
        var answer = connection.CallAsync(frames, maxReplyBytes, spinForAnswer);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(abandon);
        deadline.CancelAfter(timeout);
        await using var registration = deadline.Token.Register(
            () => connection.Abandon(answer, new OperationCanceledException(deadline.Token)));
        try
        {
            return await answer;
        }
        catch (Exception exception)
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
        foreach (var connection in _open.Keys)
        {
            connection.Dispose();
        }

        _idle.Clear();
        return ValueTask.CompletedTask;
    }

    private async ValueTask<ActivationLinkConnection> OpenAsync(string endpoint)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (_idle.TryGetValue(endpoint, out var bag) && bag.TryTake(out var idle))
        {
            if (idle.TryReuse())
            {
                return idle;
            }
        }

        // Connecting blocks for up to the timeout; a caller on a grain's turn must not hold its scheduler for that.
        var connection = await Task.Run(() => ActivationLinkConnection.Open(endpoint, ConnectTimeout, Return, closed => _open.TryRemove(closed, out _), resumeOnReceiveThread, tls));
        _open.TryAdd(connection, 0);
        if (!connection.IsOpen)
        {
            // It closed before it was tracked.
            _open.TryRemove(connection, out _);
        }
        if (_disposed)
        {
            connection.Dispose();
            ObjectDisposedException.ThrowIf(true, this);
        }

        return connection;
    }

    private void Return(ActivationLinkConnection connection)
    {
        if (connection.IsOpen && !_disposed)
        {
            _idle.GetOrAdd(connection.Endpoint, _ => []).Add(connection);
        }
    }
}
