using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using EdgeCluster.Grains.Compute;
using EdgeCluster.Grains.Diagnostics;
using EdgeCluster.Grains.Interfaces.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeCluster.Grains.Transfer.Link;

/// <summary>
/// This silo's end of the activation link: accepts connections from other devices and their clients, deposits
/// every tensor frame into the <see cref="ActivationInbox"/> and serves stage calls, answering each on its own
/// connection. A malformed frame closes only its own connection; so does a peer that fails TLS when the fleet encrypts.
/// </summary>
public sealed partial class ActivationLinkListener(
    ILocalSiloDetails silo,
    ActivationInbox inbox,
    ActivationLinkCallHandler calls,
    ActivationLinkSecurity security,
    IOptions<ActivationLinkOptions> options,
    ILogger<ActivationLinkListener> logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Socket, byte> _connections = new();
    private Socket? _socket;
    private int _disposed;

    /// <summary>Where other devices reach this link, HOST:PORT; null while it is not listening.</summary>
    public string? Endpoint { get; private set; }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ActivationLinkListener), ServiceLifecycleStage.RuntimeServices, StartAsync, StopAsync);

    public void Dispose()
    {
        // The container disposes this once as itself and once as the lifecycle participant it also is.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stopping.Cancel();
        _socket?.Dispose();
        CloseConnections();
        _stopping.Dispose();
    }

    private Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            return Task.CompletedTask;
        }

        var address = silo.SiloAddress.Endpoint.Address;
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(address, options.Value.Port));
            socket.Listen(64);
        }
        catch (SocketException exception)
        {
            // Without a link every tensor still travels inside Orleans messages, only slower.
            socket.Dispose();
            LogUnavailable(logger, address.ToString(), options.Value.Port, exception);
            return Task.CompletedTask;
        }

        _socket = socket;
        var endpoint = socket.LocalEndPoint!.ToString()!;
        Endpoint = endpoint;
        LogListening(logger, silo.Name, endpoint);
        StartThread(() => AcceptLoop(socket), "link accept");
        return Task.CompletedTask;
    }

    private Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping.Cancel();
        _socket?.Dispose();
        CloseConnections();
        Endpoint = null;
        return Task.CompletedTask;
    }

    /// <summary>Callers waiting on this silo's answers see their connection close, as they would see a dead silo's.</summary>
    private void CloseConnections()
    {
        foreach (var connection in _connections.Keys)
        {
            connection.Dispose();
        }
    }

    // Each connection has a thread blocked in its read: a frame wakes it directly, where an asynchronous read would
    // wake the epoll thread and then a thread-pool thread. Connections are few (one per concurrent caller and peer).
    private static void StartThread(Action loop, string name) => new Thread(() => loop()) { IsBackground = true, Name = name }.Start();

    private void AcceptLoop(Socket listener)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = listener.Accept();
            }
            catch (Exception exception) when (exception is ObjectDisposedException or SocketException)
            {
                return;
            }

            ActivationLinkSockets.Configure(connection);
            _connections.TryAdd(connection, 0);
            StartThread(
                () =>
                {
                    // Nothing else happens on this connection until its call is answered: the call may run its shard here.
                    ShardComputeQueue.AllowRunsOnCurrentThread();
                    if (Authenticate(connection) is { } channel)
                    {
                        ReceiveLoopAsync(channel).GetAwaiter().GetResult();
                    }
                },
                "link receive");
        }
    }

    /// <summary>The connection's channel, or null (and the connection closed) when a peer failed the fleet's TLS.</summary>
    private LinkChannel? Authenticate(Socket connection)
    {
        try
        {
            return LinkChannel.Accept(connection, security.Credentials, ActivationLinkSecurity.HandshakeTimeout);
        }
        catch (Exception exception) when (exception is IOException or SocketException or ObjectDisposedException)
        {
            LogRefused(logger, connection.RemoteEndPoint?.ToString() ?? "unknown", exception.Message);
            _connections.TryRemove(connection, out _);
            connection.Dispose();
            return null;
        }
    }

    /// <summary>Every read blocks this connection's thread, so the loop runs on it from start to end.</summary>
    private async Task ReceiveLoopAsync(LinkChannel channel)
    {
        var connection = channel.Socket;
        var peer = connection.RemoteEndPoint?.ToString() ?? "unknown";
        var socketStream = channel.Raw;
        await using var stream = new BufferedStream(channel.Reader, 64 * 1024);
        try
        {
            while (await LinkWire.ReadMagicAsync(stream, CancellationToken.None) is { } magic)
            {
                // A frame has begun: its rest is on its way.
                socketStream.SpinBudget = options.Value.SpinWithinFrame;
                switch (magic)
                {
                    case ActivationLinkFrame.Magic:
                        await ReceiveTensorAsync(stream);
                        break;
                    case ActivationLinkCallFrame.Magic:
                        await ReceiveCallAsync(channel, stream);
                        break;
                    default:
                        throw new InvalidDataException("The link frame does not start with the EdgeCluster magic number.");
                }

                // Between frames the link may stay idle for any time: block.
                socketStream.SpinBudget = TimeSpan.Zero;
            }
        }
        catch (Exception exception) when (exception is InvalidDataException or EndOfStreamException)
        {
            LogMalformed(logger, peer, exception.Message);
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // The peer went away or the silo is stopping; a tensor cut short is never deposited.
        }
        finally
        {
            _connections.TryRemove(connection, out _);
            connection.Dispose();
        }
    }

    private async Task ReceiveTensorAsync(Stream stream)
    {
        var frame = await ActivationLinkFrame.ReadAfterMagicAsync(stream, options.Value.MaxFrameBytes, CancellationToken.None);
        var started = Stopwatch.GetTimestamp();
        var data = inbox.Buffers.Rent((int)frame.Length);
        await stream.ReadExactlyAsync(data);
        ActivationLinkMetrics.Received(data.LongLength, silo.Name, Stopwatch.GetElapsedTime(started));
        inbox.Deposit(frame, data);
    }

    /// <summary>
    /// Reads one call and starts it. Its caller holds the connection until the answer, so calls on one connection
    /// never overlap: the thread that finishes the call writes the answer, straight to the socket, past the read buffer.
    /// </summary>
    private async Task ReceiveCallAsync(LinkChannel channel, Stream stream)
    {
        var call = await ActivationLinkCallFrame.ReadAfterMagicAsync(stream, options.Value.MaxFrameBytes, CancellationToken.None);
        var body = new byte[call.Length];
        await stream.ReadExactlyAsync(body);
        _ = AnswerAsync(channel, call, body);
    }

    private async Task AnswerAsync(LinkChannel channel, ActivationLinkCallFrame call, byte[] body)
    {
        var (failed, reply) = await calls.HandleAsync(call, body);
        var header = new ActivationLinkReplyFrame(failed, reply.LongLength).Encode();
        try
        {
            channel.Write([new ArraySegment<byte>(header), new ArraySegment<byte>(reply)]);
        }
        catch (Exception exception) when (exception is SocketException or IOException or ObjectDisposedException)
        {
            // The caller went away; it treats the call as broken and its failover decides.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Activation link of {DeviceId} listening on {Endpoint}")]
    private static partial void LogListening(ILogger logger, string deviceId, string endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Activation link could not listen on {Address}:{Port}; tensors travel inside grain calls")]
    private static partial void LogUnavailable(ILogger logger, string address, int port, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Activation link refused a connection from {Peer}: {Problem}")]
    private static partial void LogRefused(ILogger logger, string peer, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Activation link connection from {Peer} closed: {Problem}")]
    private static partial void LogMalformed(ILogger logger, string peer, string problem);
}
