using System.Net;
using System.Net.Sockets;
using EdgeCluster.Grains.Inference;
using EdgeCluster.Grains.Interfaces.Devices;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Inference;
using EdgeCluster.Grains.Tests.Cluster;
using EdgeCluster.Grains.Transfer.Link;
using EdgeCluster.Onnx.Tensors;
using Orleans.Serialization;

namespace EdgeCluster.Grains.Tests.Transfer.Link;

/// <summary>Stage calls and activations between devices travel on the direct link, and a bad peer cannot hurt a silo.</summary>
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
    public async Task Each_stage_call_after_the_origin_travels_on_the_next_devices_link()
    {
        var handlers = fixture.DeviceIds.Select(fixture.SiloService<ActivationLinkCallHandler>).ToArray();
        var before = handlers.Select(h => h.Served).ToArray();

        var result = await fixture.InferAsync(EdgeClusterFixture.ResNet18Deployment, fixture.DeviceIds[0], [fixture.ResNet18Input(seed: 32)]);

        // The origin's one call is the last stage's answer (OriginAnswerTests).
        Assert.Equal(3, result.Hops.Length);
        Assert.Equal([1L, 1L, 1L], handlers.Select((h, i) => h.Served - before[i]));
    }

    [Fact]
    public async Task A_call_on_a_devices_link_for_another_devices_stage_is_answered_with_an_error()
    {
        var (device2, device3) = (fixture.DeviceIds[1], fixture.DeviceIds[2]);
        var serializer = fixture.SiloService<Serializer>(device2);
        var request = new StageRequest("r-foreign", EdgeClusterFixture.ResNet18Deployment, 2, 0, fixture.DeviceIds[0], [], []);

        var (failed, body) = await CallAsync(
            device2, IPipelineStageGrain.KeyFor(device3, EdgeClusterFixture.ResNet18Deployment, 2), serializer.SerializeToArray(request));

        Assert.True(failed);
        var error = Assert.IsType<EdgeClusterException>(serializer.Deserialize<Exception>(body));
        Assert.Equal(EdgeClusterErrorKind.InvalidArgument, error.Kind);
        Assert.Equal(
            $"The link of device '{device2}' was asked to call '{device3}/{EdgeClusterFixture.ResNet18Deployment}/2', a stage of another device.", error.Message);
    }

    [Fact]
    public async Task A_call_with_a_malformed_request_is_answered_with_an_error_naming_it_and_the_silo_keeps_serving()
    {
        var device2 = fixture.DeviceIds[1];
        var serializer = fixture.SiloService<Serializer>(device2);
        var key = IPipelineStageGrain.KeyFor(device2, EdgeClusterFixture.ResNet18Deployment, 1);

        var (failed, body) = await CallAsync(device2, key, [1, 2, 3, 4, 5]);

        Assert.True(failed);
        var error = Assert.IsType<EdgeClusterException>(serializer.Deserialize<Exception>(body));
        Assert.Equal(EdgeClusterErrorKind.InvalidArgument, error.Kind);
        Assert.StartsWith($"The RunStage call to '{key}' on the link of device '{device2}' carries a malformed StageRequest:", error.Message);
        await fixture.AssertServesResNet18Async();
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

    private async Task<(bool Failed, byte[] Body)> CallAsync(string device, string grainKey, byte[] body)
    {
        await using var sender = new ActivationLinkSender();
        var call = new ActivationLinkCallFrame(ActivationLinkMethod.RunStage, grainKey, "", "", body.Length);
        var (frame, reply) = await sender.CallAsync(
            fixture.SiloService<ActivationLinkListener>(device).Endpoint!, [new(call.Encode()), new(body)], 1 << 20, TimeSpan.FromSeconds(30));
        return (frame.Failed, reply);
    }
}
