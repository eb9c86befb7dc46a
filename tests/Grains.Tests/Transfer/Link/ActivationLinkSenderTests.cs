using System.Net;
using System.Net.Sockets;
using EdgeCluster.Grains.Transfer.Link;

namespace EdgeCluster.Grains.Tests.Transfer.Link;

/// <summary>A call on the link either was not sent (the caller may use Orleans) or was sent and then broke (a device failure).</summary>
public sealed class ActivationLinkSenderTests
{
    private static readonly ArraySegment<byte>[] Call =
        [new(new ActivationLinkCallFrame(ActivationLinkMethod.Infer, "device-1/m/0", "", "", 1).Encode()), new([42])];

    [Fact]
    public async Task A_link_nobody_listens_on_fails_as_a_socket_error_before_anything_is_sent()
    {
        using var vacant = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        vacant.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var endpoint = vacant.LocalEndPoint!.ToString()!;
        vacant.Close();
        await using var sender = new ActivationLinkSender();

        var error = await Assert.ThrowsAsync<SocketException>(() => sender.CallAsync(endpoint, Call, 100, TimeSpan.FromSeconds(5)));
        Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
    }

    [Fact]
    public async Task A_peer_that_closes_after_taking_the_call_breaks_it()
    {
        using var peer = new TcpListener(IPAddress.Loopback, 0);
        peer.Start();
        var taken = TakeCallThenAsync(peer, connection =>
        {
            connection.Close();
            return Task.CompletedTask;
        });
        await using var sender = new ActivationLinkSender();

        var error = await Assert.ThrowsAsync<ActivationLinkBrokenException>(
            () => sender.CallAsync(peer.LocalEndpoint.ToString()!, Call, 100, TimeSpan.FromSeconds(5)));
        Assert.StartsWith($"The call sent on the link to {peer.LocalEndpoint} got no answer:", error.Message);
        Assert.Equal(Call.Sum(s => s.Count), await taken);
    }

    [Fact]
    public async Task A_peer_that_never_answers_breaks_the_call_at_its_timeout()
    {
        using var peer = new TcpListener(IPAddress.Loopback, 0);
        peer.Start();
        // The peer keeps the connection open and silent until the call has failed, however late a loaded machine runs the timeout.
        var released = new TaskCompletionSource();
        var taken = TakeCallThenAsync(peer, _ => released.Task);
        await using var sender = new ActivationLinkSender();

        var error = await Assert.ThrowsAsync<ActivationLinkBrokenException>(
            () => sender.CallAsync(peer.LocalEndpoint.ToString()!, Call, 100, TimeSpan.FromMilliseconds(300)));
        released.SetResult();
        Assert.Equal($"The call sent on the link to {peer.LocalEndpoint} got no answer: no answer within 0.3 s", error.Message);
        Assert.Equal(Call.Sum(s => s.Count), await taken);
    }

    [Fact]
    public async Task An_answer_comes_back_and_the_connection_is_kept_for_the_next_call()
    {
        using var peer = new TcpListener(IPAddress.Loopback, 0);
        peer.Start();
        var accepted = 0;
        var serving = Task.Run(async () =>
        {
            using var connection = await peer.AcceptSocketAsync();
            Interlocked.Increment(ref accepted);
            for (var call = 0; call < 2; call++)
            {
                await ReadCallAsync(connection);
                await connection.SendAsync((byte[])[.. new ActivationLinkReplyFrame(false, 1).Encode(), (byte)call]);
            }
        });
        await using var sender = new ActivationLinkSender();

        var first = await sender.CallAsync(peer.LocalEndpoint.ToString()!, Call, 100, TimeSpan.FromSeconds(5));
        var second = await sender.CallAsync(peer.LocalEndpoint.ToString()!, Call, 100, TimeSpan.FromSeconds(5));
        await serving;

        Assert.Equal([0, 1], [first.Body.Single(), second.Body.Single()]);
        Assert.False(first.Frame.Failed);
        Assert.Equal(1, accepted);
    }

    [Fact]
    public async Task A_connection_the_peer_closed_while_idle_is_not_lent_again()
    {
        using var peer = new TcpListener(IPAddress.Loopback, 0);
        peer.Start();
        var serving = Task.Run(async () =>
        {
            for (var connectionIndex = 0; connectionIndex < 2; connectionIndex++)
            {
                using var connection = await peer.AcceptSocketAsync();
                await ReadCallAsync(connection);
                await connection.SendAsync((byte[])[.. new ActivationLinkReplyFrame(false, 1).Encode(), (byte)connectionIndex]);
            }
        });
        await using var sender = new ActivationLinkSender();

        var first = await sender.CallAsync(peer.LocalEndpoint.ToString()!, Call, 100, TimeSpan.FromSeconds(5));
        await Task.Delay(300);
        var second = await sender.CallAsync(peer.LocalEndpoint.ToString()!, Call, 100, TimeSpan.FromSeconds(5));
        await serving;

        Assert.Equal([0, 1], [first.Body.Single(), second.Body.Single()]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(300)]
    public async Task A_caller_polling_for_its_answer_gets_it_whether_it_comes_while_polling_or_after(int answerAfterMilliseconds)
    {
        using var peer = new TcpListener(IPAddress.Loopback, 0);
        peer.Start();
        var serving = Task.Run(async () =>
        {
            using var connection = await peer.AcceptSocketAsync();
            for (var call = 0; call < 2; call++)
            {
                await ReadCallAsync(connection);
                await Task.Delay(answerAfterMilliseconds);
                await connection.SendAsync((byte[])[.. new ActivationLinkReplyFrame(false, 1).Encode(), (byte)(call + 5)]);
            }
        });
        await using var sender = new ActivationLinkSender(resumeOnReceiveThread: true);
        var poll = TimeSpan.FromMilliseconds(20);

        var first = await sender.CallAsync(peer.LocalEndpoint.ToString()!, Call, 100, TimeSpan.FromSeconds(5), spinForAnswer: poll);
        var second = await sender.CallAsync(peer.LocalEndpoint.ToString()!, Call, 100, TimeSpan.FromSeconds(5), spinForAnswer: poll);
        await serving;

        Assert.Equal([5, 6], [first.Body.Single(), second.Body.Single()]);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task A_caller_resumes_on_the_answering_thread_only_when_the_sender_allows_it(bool resumeOnReceiveThread, bool resumedOnThreadPool)
    {
        using var peer = new TcpListener(IPAddress.Loopback, 0);
        peer.Start();
        var serving = Task.Run(async () =>
        {
            using var connection = await peer.AcceptSocketAsync();
            await ReadCallAsync(connection);
            await connection.SendAsync((byte[])[.. new ActivationLinkReplyFrame(false, 1).Encode(), 7]);
        });
        await using var sender = new ActivationLinkSender(resumeOnReceiveThread);

        var (body, pooled) = await Task.Run(async () =>
        {
            var (_, answer) = await sender.CallAsync(peer.LocalEndpoint.ToString()!, Call, 100, TimeSpan.FromSeconds(5));
            return (answer.Single(), Thread.CurrentThread.IsThreadPoolThread);
        });
        await serving;

        Assert.Equal(7, body);
        Assert.Equal(resumedOnThreadPool, pooled);
    }

    private static async Task<int> TakeCallThenAsync(TcpListener peer, Func<Socket, Task> then)
    {
        using var connection = await peer.AcceptSocketAsync();
        var read = await ReadCallAsync(connection);
        await then(connection);
        return read;
    }

    private static async Task<int> ReadCallAsync(Socket connection)
    {
        var expected = Call.Sum(s => s.Count);
        var buffer = new byte[expected];
        var read = 0;
        while (read < expected)
        {
            read += await connection.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None);
        }

        return read;
    }
}
