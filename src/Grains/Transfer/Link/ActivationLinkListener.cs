using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using EdgeCluster.Grains.Diagnostics;
using EdgeCluster.Grains.Interfaces.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeCluster.Grains.Transfer.Link;

/// <summary>
/// This silo's end of the activation link: accepts connections from other devices and their clients and deposits
/// every tensor frame into the <see cref="ActivationInbox"/>. A malformed frame closes only its own connection.
/// </summary>
public sealed partial class ActivationLinkListener(
    ILocalSiloDetails silo,
    ActivationInbox inbox,
    IOptions<ActivationLinkOptions> options,
    ILogger<ActivationLinkListener> logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    // Large socket buffers let one receive call take a whole loopback burst instead of a few kilobytes.
    internal const int SocketBufferBytes = 4 << 20;

    private readonly CancellationTokenSource _stopping = new();
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
        _ = Task.Run(() => AcceptLoopAsync(socket, _stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping.Cancel();
        _socket?.Dispose();
        Endpoint = null;
        return Task.CompletedTask;
    }

    private async Task AcceptLoopAsync(Socket listener, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await listener.AcceptAsync(stopping);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            connection.NoDelay = true;
            connection.ReceiveBufferSize = SocketBufferBytes;
            _ = Task.Run(() => ReceiveLoopAsync(connection, stopping), CancellationToken.None);
        }
    }

    private async Task ReceiveLoopAsync(Socket connection, CancellationToken stopping)
    {
        var peer = connection.RemoteEndPoint?.ToString() ?? "unknown";
        await using var stream = new BufferedStream(new NetworkStream(connection, ownsSocket: true), 64 * 1024);
        try
        {
            while (await ActivationLinkFrame.ReadAsync(stream, options.Value.MaxFrameBytes, stopping) is { } frame)
            {
                var started = Stopwatch.GetTimestamp();
                var data = inbox.Buffers.Rent((int)frame.Length);
                await stream.ReadExactlyAsync(data, stopping);
                ActivationLinkMetrics.Received(data.LongLength, silo.Name, Stopwatch.GetElapsedTime(started));
                inbox.Deposit(frame, data);
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
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Activation link of {DeviceId} listening on {Endpoint}")]
    private static partial void LogListening(ILogger logger, string deviceId, string endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Activation link could not listen on {Address}:{Port}; tensors travel inside grain calls")]
    private static partial void LogUnavailable(ILogger logger, string address, int port, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Activation link connection from {Peer} closed: {Problem}")]
    private static partial void LogMalformed(ILogger logger, string peer, string problem);
}
