using System.Net;
using System.Net.Sockets;
using EdgeCluster.Grains.Security;

namespace EdgeCluster.Grains.Transfer.Link;

/// <summary>
/// One kept-open connection to another device's link. The caller's thread writes a call; a thread of the connection's
/// own, woken once the call is written, takes the answer and hands it to the caller. One call at a time: the sender
/// lends a connection to one caller until its answer is in. Between calls nothing reads it, so a connection is
/// checked before it is lent again: an idle connection with something to read has been closed or broken.
/// </summary>
internal sealed class ActivationLinkConnection : IDisposable
{
    private readonly LinkChannel _channel;
    private readonly Socket _socket;
    private readonly Action<ActivationLinkConnection> _onIdle;
    private readonly Action<ActivationLinkConnection> _onClosed;
    private readonly bool _resumeOnReceiveThread;
    private readonly SemaphoreSlim _written = new(0);
    private PendingCall? _pending;
    private int _closed;

    private ActivationLinkConnection(
        string endpoint, LinkChannel channel, Action<ActivationLinkConnection> onIdle, Action<ActivationLinkConnection> onClosed, bool resumeOnReceiveThread)
    {
        Endpoint = endpoint;
        _channel = channel;
        _socket = channel.Socket;
        _onIdle = onIdle;
        _onClosed = onClosed;
        _resumeOnReceiveThread = resumeOnReceiveThread;
    }

    public string Endpoint { get; }

    /// <summary>False once the peer closed the connection or it failed; a closed connection is never lent again.</summary>
    public bool IsOpen => Volatile.Read(ref _closed) == 0;

    /// <summary>
    /// Whether an idle connection can take a call: open, and with nothing to read (an idle connection is readable only
    /// once the peer closed it or it broke, e.g. when keep-alive found the peer gone). Closes it when not.
    /// </summary>
    public bool TryReuse()
    {
        if (IsOpen && Volatile.Read(ref _pending) is null)
        {
            try
            {
                if (!_socket.Poll(0, SelectMode.SelectRead))
                {
                    return true;
                }
            }
            catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
            {
                // Closed under the check.
            }
        }

        Dispose();
        return false;
    }

    /// <summary>Connects (blocking for at most <paramref name="timeout"/>, and as long again for TLS) and starts the thread that reads answers.</summary>
    /// <param name="onIdle">Called when an answer is in, before its caller resumes, so that caller's next call can reuse the connection.</param>
    /// <param name="onClosed">Called once when the connection closes, for whatever reason.</param>
    /// <param name="resumeOnReceiveThread">Whether callers resume on the receiving thread (no thread-pool wake-up) or on the thread pool.</param>
    /// <param name="tls">The fleet's credentials when its links run over TLS; null for plain TCP.</param>
    public static ActivationLinkConnection Open(
        string endpoint, TimeSpan timeout, Action<ActivationLinkConnection> onIdle, Action<ActivationLinkConnection> onClosed, bool resumeOnReceiveThread, FleetCredentials? tls = null)
    {
        var target = IPEndPoint.Parse(endpoint);
        var socket = Connect(target, timeout);
        LinkChannel channel;
        try
        {
            channel = LinkChannel.Connect(socket, tls, target.Address.ToString(), timeout);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var connection = new ActivationLinkConnection(endpoint, channel, onIdle, onClosed, resumeOnReceiveThread);
        new Thread(connection.ReadAnswers) { IsBackground = true, Name = $"link answers {endpoint}" }.Start();
        return connection;
    }

    /// <summary>Writes <paramref name="frames"/> whole, blocking until the socket took them; the connection is closed on failure.</summary>
    public void Write(IList<ArraySegment<byte>> frames)
    {
        try
        {
            _channel.Write(frames);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes a call and waits for its answer. A failure to write throws what the socket threw (nothing was sent whole);
    /// after that the answer's task fails with the reason the connection broke, or with <see cref="TimeoutException"/>.
    /// </summary>
    /// <param name="spinForAnswer">How long the answer's reader polls for it before it sleeps (for answers expected that soon).</param>
    public Task<(ActivationLinkReplyFrame Frame, byte[] Body)> CallAsync(IList<ArraySegment<byte>> frames, long maxReplyBytes, TimeSpan spinForAnswer = default)
    {
        var call = new PendingCall(maxReplyBytes, BlockingSocketStream.SpinTicks(spinForAnswer), _resumeOnReceiveThread);
        Volatile.Write(ref _pending, call);
        try
        {
            Write(frames);
        }
        catch
        {
            Interlocked.CompareExchange(ref _pending, null, call);
            throw;
        }

        _written.Release();
        return call.Task;
    }

    /// <summary>Ends the call <paramref name="task"/> belongs to, if it is still waiting, and closes the connection.</summary>
    public void Abandon(Task task, Exception reason)
    {
        var call = Volatile.Read(ref _pending);
        if (call?.Task == task && Interlocked.CompareExchange(ref _pending, null, call) == call)
        {
            Dispose();
            call.TrySetException(reason);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            // Wakes the reading thread out of its blocking read, or out of its wait for a call.
            _socket.Dispose();
            _written.Release();
            _onClosed(this);
        }
    }

    private void ReadAnswers()
    {
        try
        {
            while (true)
            {
                _written.Wait();
                if (!IsOpen)
                {
                    Fail(new ObjectDisposedException(nameof(ActivationLinkConnection), "The link connection was closed."));
                    return;
                }

                if (Volatile.Read(ref _pending) is not { } call)
                {
                    continue;
                }

                if (call.SpinTicks > 0)
                {
                    BlockingSocketStream.AwaitBytes(_socket, call.SpinTicks);
                }

                var answer = ActivationLinkReplyFrame.ReadAsync(_channel.Reader, call.MaxReplyBytes, CancellationToken.None).GetAwaiter().GetResult();
                if (Interlocked.CompareExchange(ref _pending, null, call) != call)
                {
                    return;
                }

                _onIdle(this);
                call.TrySetResult(answer);
            }
        }
        catch (EndOfStreamException)
        {
            Fail(new EndOfStreamException("The device closed the link connection."));
        }
        catch (Exception exception)
        {
            Fail(exception);
        }
    }

    private void Fail(Exception exception)
    {
        Dispose();
        Interlocked.Exchange(ref _pending, null)?.TrySetException(exception);
    }

    /// <summary>A connect that keeps the socket in blocking mode (ConnectAsync would make it non-blocking for good).</summary>
    private static Socket Connect(IPEndPoint target, TimeSpan timeout)
    {
        var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            ActivationLinkSockets.Configure(socket);
            socket.Blocking = false;
            try
            {
                socket.Connect(target);
            }
            catch (SocketException exception) when (exception.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
            {
                if (!socket.Poll(timeout, SelectMode.SelectWrite) && !socket.Poll(0, SelectMode.SelectError))
                {
                    throw new SocketException((int)SocketError.TimedOut);
                }

                var error = (SocketError)(int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!;
                if (error != SocketError.Success)
                {
                    throw new SocketException((int)error);
                }
            }

            socket.Blocking = true;
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private sealed class PendingCall(long maxReplyBytes, long spinTicks, bool resumeOnReceiveThread)
        : TaskCompletionSource<(ActivationLinkReplyFrame Frame, byte[] Body)>(
            resumeOnReceiveThread ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public long MaxReplyBytes { get; } = maxReplyBytes;

        public long SpinTicks { get; } = spinTicks;
    }
}
