using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;

namespace EdgeCluster.Benchmarks;

/// <summary>
/// One call and its answer over loopback TCP, as a link connection carries them: the caller writes a request of
/// <see cref="RequestBytes"/> and waits for a 16-byte answer. The peer and the caller read either as the link does,
/// each on a thread blocked in its own read (<see cref="BlockingReads"/>), or with asynchronous socket reads, which
/// wake the runtime's epoll thread and then a thread-pool thread (<see cref="AsynchronousReads"/>).
/// </summary>
public class LinkAnswerWakeupBenchmarks
{
    private const int AnswerBytes = 16;

    private Socket blockingCaller = null!;
    private Socket asyncCaller = null!;
    private Socket[] peers = [];
    private Thread? blockingPeer;
    private byte[] request = [];
    private readonly byte[] answer = new byte[AnswerBytes];

    /// <summary>A call frame alone, and a call carrying a 1 MiB activation.</summary>
    [Params(64, 1 << 20)]
    public int RequestBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        request = new byte[RequestBytes];
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(2);
        blockingCaller = Connect(listener.LocalEndPoint!);
        var blockingServer = listener.Accept();
        asyncCaller = Connect(listener.LocalEndPoint!);
        var asyncServer = listener.Accept();
        peers = [blockingServer, asyncServer];
        foreach (var socket in new[] { blockingCaller, asyncCaller, blockingServer, asyncServer })
        {
            socket.NoDelay = true;
            socket.SendBufferSize = 4 << 20;
            socket.ReceiveBufferSize = 4 << 20;
        }

        blockingPeer = new Thread(() => AnswerBlocking(blockingServer)) { IsBackground = true };
        blockingPeer.Start();
        _ = AnswerAsynchronouslyAsync(asyncServer);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var socket in peers.Append(blockingCaller).Append(asyncCaller))
        {
            socket.Dispose();
        }
    }

    [Benchmark(Baseline = true)]
    public int AsynchronousReads()
    {
        return RoundTripAsync().GetAwaiter().GetResult();

        async Task<int> RoundTripAsync()
        {
            await asyncCaller.SendAsync(request, SocketFlags.None);
            var read = 0;
            while (read < AnswerBytes)
            {
                read += await asyncCaller.ReceiveAsync(answer.AsMemory(read), SocketFlags.None);
            }

            return read;
        }
    }

    [Benchmark]
    public int BlockingReads()
    {
        blockingCaller.Send(request);
        var read = 0;
        while (read < AnswerBytes)
        {
            read += blockingCaller.Receive(answer, read, AnswerBytes - read, SocketFlags.None);
        }

        return read;
    }

    private static Socket Connect(EndPoint endpoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Connect(endpoint);
        return socket;
    }

    // The peer reads as the link's listener does (a thread blocked in its reads), or as a NetworkStream does.
    private void AnswerBlocking(Socket server)
    {
        var stream = new EdgeCluster.Grains.Transfer.Link.BlockingSocketStream(server);
        var buffer = new byte[RequestBytes];
        var reply = new byte[AnswerBytes];
        try
        {
            while (stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) == buffer.Length)
            {
                server.Send(reply);
            }
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task AnswerAsynchronouslyAsync(Socket server)
    {
        await using var stream = new NetworkStream(server);
        var buffer = new byte[RequestBytes];
        var reply = new byte[AnswerBytes];
        try
        {
            while (await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false) == buffer.Length)
            {
                await server.SendAsync(reply, SocketFlags.None);
            }
        }
        catch (Exception exception) when (exception is IOException or SocketException or ObjectDisposedException)
        {
        }
    }
}
