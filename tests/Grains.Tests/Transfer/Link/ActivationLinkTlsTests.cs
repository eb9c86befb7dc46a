using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using EdgeCluster.Grains.Security;
using EdgeCluster.Grains.Tests.Security;
using EdgeCluster.Grains.Transfer.Link;

namespace EdgeCluster.Grains.Tests.Transfer.Link;

/// <summary>With the fleet's credentials the link runs over TLS: tensors and calls arrive whole, and a peer outside the fleet is refused.</summary>
public sealed class ActivationLinkTlsTests : IDisposable
{
    private static readonly TimeSpan Validity = IssuedCertificates.Validity;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly FleetCertificateAuthority _authority = FleetCertificateAuthority.Create("fleet A", Validity);
    private readonly FleetCertificateAuthority _foreign = FleetCertificateAuthority.Create("fleet B", Validity);
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("edgecluster-link-tls-tests-");

    [Fact]
    public async Task A_megabyte_tensor_and_its_call_cross_encrypted_and_the_connection_serves_the_next_call()
    {
        using var server = Credentials(_authority, "device-2");
        using var client = Credentials(_authority, "device-1");
        using var peer = new TcpListener(IPAddress.Loopback, 0);
        peer.Start();
        var tensor = Enumerable.Range(0, 1 << 20).Select(i => (byte)(i % 251)).ToArray();
        var serving = Task.Run(async () =>
        {
            using var connection = await peer.AcceptSocketAsync();
            await using var tls = new SslStream(new NetworkStream(connection));
            await tls.AuthenticateAsServerAsync(server.ServerOptions());
            var seen = tls.RemoteCertificate!.Subject;
            for (var call = 0; call < 2; call++)
            {
                Assert.Equal(ActivationLinkFrame.Magic, await LinkWire.ReadMagicAsync(tls, CancellationToken.None));
                var frame = await ActivationLinkFrame.ReadAfterMagicAsync(tls, 1 << 21, CancellationToken.None);
                var data = new byte[frame.Length];
                await tls.ReadExactlyAsync(data);
                Assert.Equal(ActivationLinkCallFrame.Magic, await LinkWire.ReadMagicAsync(tls, CancellationToken.None));
                var header = await ActivationLinkCallFrame.ReadAfterMagicAsync(tls, 100, CancellationToken.None);
                await tls.ReadExactlyAsync(new byte[header.Length]);
                var sum = data.Aggregate(0L, (total, b) => total + b);
                await tls.WriteAsync((byte[])[.. new ActivationLinkReplyFrame(false, 8).Encode(), .. BitConverter.GetBytes(sum + call)]);
            }

            return seen;
        });
        await using var sender = new ActivationLinkSender(tls: client);
        ArraySegment<byte>[] frames =
        [
            new(new ActivationLinkFrame("r1", "t1", "x", tensor.Length).Encode()), new(tensor),
            new(new ActivationLinkCallFrame(ActivationLinkMethod.RunStage, "device-2/d/1", "", "", 1).Encode()), new([7]),
        ];

        var first = await sender.CallAsync(peer.LocalEndpoint.ToString()!, frames, 100, Timeout);
        var second = await sender.CallAsync(peer.LocalEndpoint.ToString()!, frames, 100, Timeout);

        var expected = tensor.Aggregate(0L, (total, b) => total + b);
        Assert.Equal([expected, expected + 1], [BitConverter.ToInt64(first.Body), BitConverter.ToInt64(second.Body)]);
        Assert.Equal("CN=device-1", await serving);
    }

    [Fact]
    public async Task A_peer_whose_certificate_another_authority_signed_is_refused_before_anything_is_sent()
    {
        using var impostor = Credentials(_foreign, "device-2");
        using var client = Credentials(_authority, "device-1");
        using var peer = new TcpListener(IPAddress.Loopback, 0);
        peer.Start();
        var serving = Task.Run(async () =>
        {
            using var connection = await peer.AcceptSocketAsync();
            await using var tls = new SslStream(new NetworkStream(connection));
            var handshake = await Record.ExceptionAsync(() => tls.AuthenticateAsServerAsync(impostor.ServerOptions()));
            return handshake;
        });
        await using var sender = new ActivationLinkSender(tls: client);

        var error = await Assert.ThrowsAsync<IOException>(() => sender.CallAsync(
            peer.LocalEndpoint.ToString()!, [new(new ActivationLinkCallFrame(ActivationLinkMethod.RunStage, "device-2/d/1", "", "", 1).Encode()), new([7])], 100, Timeout));

        Assert.StartsWith("The TLS handshake of the activation link failed:", error.Message);
        Assert.NotNull(await serving);
    }

    public void Dispose()
    {
        _authority.Dispose();
        _foreign.Dispose();
        _folder.Delete(recursive: true);
    }

    private FleetCredentials Credentials(FleetCertificateAuthority authority, string name) =>
        FleetCredentials.Load(IssuedCertificates.Write(_folder.FullName, authority, name));
}
