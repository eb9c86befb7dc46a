using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using EdgeCluster.Grains.Transfer.Link;

namespace EdgeCluster.Grains.Tests.Transfer.Link;

public sealed class BlockingSocketStreamTests
{
    [Fact]
    public async Task SendAll_writes_every_segment_in_order_and_reads_complete_on_the_calling_thread()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using var sending = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        sending.Connect(listener.LocalEndPoint!);
        using var receiving = listener.Accept();

        // More than the socket buffers hold, so the writer must wait for the reader, from its own thread.
        var segments = Enumerable.Range(1, 3).Select(i => new ArraySegment<byte>(Enumerable.Repeat((byte)i, 3 << 20).ToArray())).ToArray();
        var writer = Task.Factory.StartNew(() => BlockingSocketStream.SendAll(sending, segments), TaskCreationOptions.LongRunning);
        var received = new byte[9 << 20];
        var stream = new BlockingSocketStream(receiving);
        var pending = stream.ReadExactlyAsync(received);

        Assert.True(pending.IsCompleted);
        await writer;
        Assert.Equal([1, 2, 3], new[] { received[0], received[(3 << 20) + 5], received[^1] });
        Assert.Equal(3 << 20, received.Count(b => b == 2));
    }

    [Fact]
    public void AwaitBytes_says_whether_bytes_came_within_its_time()
    {
        var (sending, receiving) = ConnectedPair();
        using var _ = sending;
        using var __ = receiving;

        var idle = BlockingSocketStream.AwaitBytes(receiving, Stopwatch.Frequency / 200);
        sending.Send([9]);
        var ready = BlockingSocketStream.AwaitBytes(receiving, Stopwatch.Frequency * 5);

        Assert.Equal((false, true, 1), (idle, ready, receiving.Available));
    }

    [Fact]
    public async Task A_read_that_polls_first_still_waits_for_bytes_that_come_after_its_budget_is_spent()
    {
        var (sending, receiving) = ConnectedPair();
        using var _ = sending;
        using var __ = receiving;
        var stream = new BlockingSocketStream(receiving) { SpinBudget = TimeSpan.FromMilliseconds(2) };

        var late = Task.Run(async () =>
        {
            await Task.Delay(200);
            sending.Send([1, 2, 3]);
        });
        var received = new byte[3];
        stream.ReadExactly(received);
        await late;

        Assert.Equal([1, 2, 3], received);
        Assert.Equal(TimeSpan.Zero, stream.SpinBudget);
    }

    private static (Socket Sending, Socket Receiving) ConnectedPair()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var sending = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        sending.Connect(listener.LocalEndPoint!);
        return (sending, listener.Accept());
    }
}
