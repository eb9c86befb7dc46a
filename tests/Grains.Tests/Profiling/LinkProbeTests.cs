using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Profiling;
using EdgeCluster.Grains.Tests.Cluster;

namespace EdgeCluster.Grains.Tests.Profiling;

/// <summary>Probes between two silos of the test cluster, as the planner uses them on a live fleet.</summary>
[Collection(EdgeClusterCollection.Name)]
public sealed class LinkProbeTests(EdgeClusterFixture fixture)
{
    [Fact]
    public async Task LinkProbe_CarriesEveryByteToTheOtherDevice_AndReportsAPositiveBandwidth()
    {
        var (from, to) = (fixture.DeviceIds[0], fixture.DeviceIds[1]);
        const int payload = 3 << 20;

        var link = await fixture.Client.GetGrain<ILinkProbeGrain>(ILinkProbeGrain.KeyFor(from)).MeasureLinkAsync(to, payload, rounds: 2);

        Assert.Equal(from, link.FromDevice);
        Assert.Equal(to, link.ToDevice);
        Assert.Equal(payload, link.Bytes);
        Assert.True(link.BandwidthBytesPerSecond > 0, $"bandwidth {link.BandwidthBytesPerSecond}");
        Assert.True(link.RoundTripMilliseconds > 0, $"round trip {link.RoundTripMilliseconds}");
    }

    [Fact]
    public async Task SpeedProbe_RunsOnTheAskedDevice()
    {
        var device = fixture.DeviceIds[2];

        var speed = await fixture.Client.GetGrain<ILinkProbeGrain>(ILinkProbeGrain.KeyFor(device)).MeasureSpeedAsync();

        Assert.Equal(device, speed.DeviceId);
        Assert.True(speed.RelativeSpeed > 0, $"speed {speed.RelativeSpeed}");
        Assert.Equal(Environment.ProcessorCount, speed.Cores);
    }

    [Fact]
    public async Task OversizedPayload_IsInvalidArgument()
    {
        var probe = fixture.Client.GetGrain<ILinkProbeGrain>(ILinkProbeGrain.KeyFor(fixture.DeviceIds[0]));

        var error = await Assert.ThrowsAsync<EdgeClusterException>(() => probe.MeasureLinkAsync(fixture.DeviceIds[1], 100 << 20, rounds: 1));

        Assert.Equal(EdgeClusterErrorKind.InvalidArgument, error.Kind);
        Assert.Equal($"A probe payload must be 1 to {64 << 20} bytes; {100 << 20} were asked for.", error.Message);
    }
}
