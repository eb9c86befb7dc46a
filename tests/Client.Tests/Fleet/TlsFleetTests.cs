using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using EdgeCluster.Client.Connection;
using EdgeCluster.Client.Fleet;
using EdgeCluster.Client.Tests.Cli;
using EdgeCluster.Grains.Inference;
using EdgeCluster.Grains.Transfer.Link;
using EdgeCluster.Onnx.Runtime;
using EdgeCluster.Onnx.SampleModels;
using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Client.Tests.Failover;

/// <summary>
/// <c>fleet up --tls</c>: two silo processes whose Orleans connections and activation links all run over TLS with
/// certificates of the fleet's own authority. The CLI's clients present theirs; a client or link peer without one is refused.
/// </summary>
public sealed partial class TlsFleetTests
{
    private static readonly TimeSpan RefusalTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_tls_fleet_serves_requests_over_encrypted_links_and_refuses_peers_without_its_certificates()
    {
        await using var home = new TempHome();
        var up = (await EdgeClusterCli.RunAsync(home.Path, "fleet", "up", "--silos", "2", "--tls", "--json")).AssertSucceeded();
        var pids = up.Json().GetProperty("silos").EnumerateArray().Select(s => s.GetProperty("pid").GetInt32()).ToArray();
        var state = FleetState.TryRead(home.Path)!;
        var tls = Assert.IsType<string>(state.TlsFolder);
        Assert.Equal(
            ["authority.key", "authority.pem", "client.key", "client.pem", "device-1.key", "device-1.pem", "device-2.key", "device-2.pem"],
            Directory.GetFiles(tls).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, OperatingSystem.IsWindows() ? default : File.GetUnixFileMode(Path.Combine(tls, "device-1.key")));
        for (var i = 0; i < pids.Length; i++)
        {
            Assert.Contains($"EdgeCluster__Tls__CertificatePath={Path.Combine(tls, $"device-{i + 1}.pem")}\0", File.ReadAllText($"/proc/{pids[i]}/environ"), StringComparison.Ordinal);
        }

        (await EdgeClusterCli.RunAsync(home.Path, "deploy", "resnet18", "--stages", "2")).AssertSucceeded();
        using var whole = ShardSession.FromFile(ResNet18.ModelPath);
        var input = DeterministicInputs.Create(whole.Inputs, seed: 9)[0];
        var expected = whole.Run([input])[0];
        var inputPath = Path.Combine(home.Path, "input.npy");
        NpyFile.Write(inputPath, input);
        var infer = (await EdgeClusterCli.RunAsync(home.Path, "infer", "--model", "resnet18", "--device", "device-1", "--input", inputPath, "--json")).AssertSucceeded().Json();
        Assert.Equal(["device-1", "device-2"], infer.GetProperty("hops").EnumerateArray().Select(h => h.GetProperty("device").GetString()));

        // The stage call and its activation took device-2's link, over TLS: it served the call, and nothing fell back to Orleans.
        Assert.True(await LinkCallsAsync(state.Silo("device-2")) >= 1);
        Assert.DoesNotContain("edgecluster_activation_link_fallbacks_total", await MetricsAsync(state.Silo("device-1")), StringComparison.Ordinal);

        var plain = state.ClientOptions(state.Silos) with { Tls = null, ConnectTimeout = TimeSpan.FromSeconds(5) };
        var refused = await Assert.ThrowsAsync<TimeoutException>(() => EdgeClusterClient.ConnectAsync(plain));
        Assert.EndsWith("this client does not use TLS; a fleet that does accepts only clients with a certificate of its authority.", refused.Message, StringComparison.Ordinal);

        await using (var client = await EdgeClusterClient.ConnectAsync(state.ClientOptions(state.Silos)))
        {
            var link = (await client.ListDevicesAsync()).Single(d => d.DeviceId == "device-2").ActivationLink;
            AssertPlainPeerIsClosed(IPEndPoint.Parse(Assert.IsType<string>(link)));
            var result = await client.InferAsync("resnet18", "device-1", [input]);
            Assert.InRange(TensorComparison.MaxAbsDiff(expected, Assert.Single(result.Outputs).ToNamedTensor()), 0, 1e-5);
        }

        Assert.Contains("Activation link refused a connection from", await File.ReadAllTextAsync(state.Silo("device-2").Log), StringComparison.Ordinal);
        (await EdgeClusterCli.RunAsync(home.Path, "fleet", "down")).AssertSucceeded();
        Assert.False(Directory.Exists(tls));
    }

    /// <summary>A peer that speaks the link's frames without TLS gets its connection closed, never an answer.</summary>
    private static void AssertPlainPeerIsClosed(IPEndPoint link)
    {
        using var socket = new Socket(link.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = (int)RefusalTimeout.TotalMilliseconds };
        socket.Connect(link);
        socket.Send([.. new ActivationLinkCallFrame(ActivationLinkMethod.RunStage, "device-2/resnet18/1", "", "", 1).Encode(), 7]);
        var buffer = new byte[4096];
        var received = 0;
        int read;
        while ((read = Receive(socket, buffer)) > 0)
        {
            received += read;
        }

        // At most a TLS alert came back, which never starts with the reply frame's magic number.
        Assert.True(received < 64, $"the link answered a plain peer with {received} bytes");
        Assert.NotEqual(ActivationLinkReplyFrame.Magic, received >= 4 ? BitConverter.ToUInt32(buffer) : 0u);
    }

    private static int Receive(Socket socket, byte[] buffer)
    {
        try
        {
            return socket.Receive(buffer);
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.ConnectionReset)
        {
            return 0;
        }
    }

    private static async Task<long> LinkCallsAsync(FleetSilo silo)
    {
        var match = LinkCalls().Match(await MetricsAsync(silo));
        return match.Success ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    private static async Task<string> MetricsAsync(FleetSilo silo)
    {
        using var http = new HttpClient();
        return await http.GetStringAsync(new Uri(silo.Http + "/metrics"));
    }

    [GeneratedRegex("""edgecluster_activation_link_calls_total\{[^}]*method="RunStage"[^}]*\} (\d+)""")]
    private static partial Regex LinkCalls();
}
