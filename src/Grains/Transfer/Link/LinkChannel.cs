using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using EdgeCluster.Grains.Security;

namespace EdgeCluster.Grains.Transfer.Link;

/// <summary>
/// A link connection's bytes both ways: straight on the socket, or through TLS over it when the fleet encrypts. The
/// socket stays in blocking mode either way; TLS reads and writes run on the calling thread like plain ones.
/// </summary>
internal sealed class LinkChannel
{
    private readonly SslStream? _tls;
    private readonly Lock _writing = new();

    private LinkChannel(Socket socket, BlockingSocketStream raw, SslStream? tls)
    {
        Socket = socket;
        Raw = raw;
        _tls = tls;
    }

    public Socket Socket { get; }

    /// <summary>The socket's own stream: what polls for bytes, under TLS or not.</summary>
    public BlockingSocketStream Raw { get; }

    /// <summary>Where frames are read from.</summary>
    public Stream Reader => (Stream?)_tls ?? Raw;

    public bool Encrypted => _tls is not null;

    /// <summary>The channel that accepted <paramref name="socket"/>: plain, or TLS once the peer proved it belongs to the fleet.</summary>
    /// <exception cref="IOException">The TLS handshake failed or took longer than <paramref name="timeout"/>.</exception>
    public static LinkChannel Accept(Socket socket, FleetCredentials? credentials, TimeSpan timeout) =>
        Open(socket, credentials, timeout, (tls, c) => tls.AuthenticateAsServer(c.ServerOptions()));

    /// <summary>The channel to the link at <paramref name="endpoint"/> over the connected <paramref name="socket"/>.</summary>
    /// <exception cref="IOException">The TLS handshake failed or took longer than <paramref name="timeout"/>.</exception>
    public static LinkChannel Connect(Socket socket, FleetCredentials? credentials, string endpoint, TimeSpan timeout) =>
        Open(socket, credentials, timeout, (tls, c) => tls.AuthenticateAsClient(c.ClientOptions(endpoint)));

    /// <summary>Writes every segment, in order; blocks until the socket took them.</summary>
    public void Write(IList<ArraySegment<byte>> segments)
    {
        if (_tls is null)
        {
            BlockingSocketStream.SendAll(Socket, segments);
            return;
        }

        // SslStream refuses a write while it still counts an earlier one as pending, and a writer can be preempted after
        // its last bytes left but before SslStream counted its write as done: by then the peer may have answered, and
        // the next call (or answer) is written from another thread.
        lock (_writing)
        {
            foreach (var segment in segments)
            {
                _tls.Write(segment);
            }

            _tls.Flush();
        }
    }

    private static LinkChannel Open(Socket socket, FleetCredentials? credentials, TimeSpan timeout, Action<SslStream, FleetCredentials> authenticate)
    {
        var raw = new BlockingSocketStream(socket);
        if (credentials is null)
        {
            return new LinkChannel(socket, raw, null);
        }

        var tls = new SslStream(raw, leaveInnerStreamOpen: true);
        var milliseconds = (int)Math.Ceiling(timeout.TotalMilliseconds);
        socket.ReceiveTimeout = milliseconds;
        socket.SendTimeout = milliseconds;
        try
        {
            authenticate(tls, credentials);
        }
        catch (Exception exception) when (exception is AuthenticationException or SocketException or IOException)
        {
            tls.Dispose();
            throw new IOException($"The TLS handshake of the activation link failed: {Reason(exception)}", exception);
        }
        finally
        {
            socket.ReceiveTimeout = 0;
            socket.SendTimeout = 0;
        }

        return new LinkChannel(socket, raw, tls);
    }

    private static string Reason(Exception exception) => exception switch
    {
        SocketException { SocketErrorCode: SocketError.TimedOut or SocketError.WouldBlock } => "the peer did not complete it in time",
        _ when exception.InnerException is { } inner && exception is not AuthenticationException => $"{exception.Message} ({inner.Message})",
        _ => exception.Message,
    };
}
