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
}
