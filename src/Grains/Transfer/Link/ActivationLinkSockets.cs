using System.Net.Sockets;

namespace EdgeCluster.Grains.Transfer.Link;

/// <summary>Socket settings both ends of a link connection use.</summary>
internal static class ActivationLinkSockets
{
    // Large socket buffers let one receive call take a whole loopback burst instead of a few kilobytes.
    public const int BufferBytes = 4 << 20;

    /// <summary>How long sent bytes may stay unacknowledged before the connection counts as broken.</summary>
    public static readonly TimeSpan UnacknowledgedLimit = TimeSpan.FromSeconds(10);

    // Linux's IPPROTO_TCP and TCP_USER_TIMEOUT, which SocketOptionName does not name.
    private const int IpProtocolTcp = 6;
    private const int TcpUserTimeout = 18;

    public static void Configure(Socket socket)
    {
        socket.NoDelay = true;
        socket.SendBufferSize = BufferBytes;
        socket.ReceiveBufferSize = BufferBytes;

        // A caller waits on its connection for the answer: a peer that vanishes without closing it (power, cable)
        // must break the connection within seconds, as a dead silo fails an Orleans call.
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, 2);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 1);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 3);
        if (OperatingSystem.IsLinux())
        {
            // Keep-alive stays silent while sent data waits for its acknowledgement (a call written just as the link
            // went down); without a user timeout that connection would retransmit for many minutes.
            socket.SetRawSocketOption(IpProtocolTcp, TcpUserTimeout, BitConverter.GetBytes((int)UnacknowledgedLimit.TotalMilliseconds));
        }
    }
}
