using System.Net;
using System.Net.Sockets;
using EdgeCluster.Grains.Inference;
using EdgeCluster.Grains.Interfaces.Devices;
using EdgeCluster.Grains.Tests.Cluster;
using EdgeCluster.Grains.Transfer.Link;
using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Grains.Tests.Transfer.Link;

/// <summary>Activations between devices travel on the direct link beside the stage calls, and a bad peer cannot hurt a silo.</summary>
[Collection(EdgeClusterCollection.Name)]
public sealed class ActivationLinkTests(EdgeClusterFixture fixture)
{
    [Fact]
    public async Task Every_device_advertises_its_link_on_its_silo_address()
    {
        var devices = await fixture.Client.GetGrain<IDeviceRegistryGrain>(IDeviceRegistryGrain.Key).ListAsync();

        Assert.Equal(fixture.DeviceIds.Count, devices.Length);
        foreach (var device in devices)
        {
            var link = IPEndPoint.Parse(Assert.IsType<string>(device.ActivationLink));
            Assert.Equal(IPAddress.Loopback, link.Address);
            Assert.Equal(fixture.SiloService<ActivationLinkListener>(device.DeviceId).Endpoint, device.ActivationLink);
        }
    }

    [Fact]
    public async Task ResNet18_activations_cross_each_device_boundary_on_the_link_and_the_output_is_exact()
    {
        var inboxes = fixture.DeviceIds.Select(fixture.SiloService<ActivationInbox>).ToArray();
        var before = inboxes.Select(i => i.DepositedBytes).ToArray();
        var input = fixture.ResNet18Input(seed: 31);

        var result = await fixture.InferAsync(EdgeClusterFixture.ResNet18Deployment, fixture.DeviceIds[0], [input]);

        var actual = Assert.Single(result.Outputs).ToNamedTensor();
        Assert.InRange(TensorComparison.MaxAbsDiff(fixture.ResNet18Session.Run([input])[0], actual), 0, 1e-5);
        Assert.Equal(0, inboxes[0].DepositedBytes - before[0]);
        for (var stage = 1; stage < 3; stage++)
        {
            Assert.True(result.Hops[stage].BytesIn >= 64 * 1024);
            Assert.Equal(result.Hops[stage].BytesIn, inboxes[stage].DepositedBytes - before[stage]);
            Assert.Equal(0, inboxes[stage].Pending);
        }
    }

    [Fact]
    public async Task Garbage_on_a_link_closes_that_connection_and_the_silo_keeps_serving()
    {
        var endpoint = IPEndPoint.Parse(fixture.SiloService<ActivationLinkListener>(fixture.DeviceIds[1]).Endpoint!);
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endpoint);
        await socket.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());

        var reply = new byte[16];
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.Equal(0, await socket.ReceiveAsync(reply, SocketFlags.None, deadline.Token));
        await fixture.AssertServesResNet18Async();
    }

    [Fact]
    public async Task A_frame_announcing_more_than_the_limit_is_refused_without_allocating_it()
    {
        var endpoint = IPEndPoint.Parse(fixture.SiloService<ActivationLinkListener>(fixture.DeviceIds[2]).Endpoint!);
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endpoint);
        await socket.SendAsync(new ActivationLinkFrame("r", "link/r/0", "huge", (1L << 30) + 1).Encode());

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.Equal(0, await socket.ReceiveAsync(new byte[16], SocketFlags.None, deadline.Token));
        Assert.Equal(0, fixture.SiloService<ActivationInbox>(fixture.DeviceIds[2]).Pending);
        await fixture.AssertServesResNet18Async();
    }
}
