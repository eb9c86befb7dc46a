using EdgeCluster.Grains.Interfaces.Devices;
using EdgeCluster.Grains.Interfaces.Profiling;
using EdgeCluster.Onnx.Partitioning;

namespace EdgeCluster.Client.Profiling;

/// <summary>
/// What the objective planner needs about a chain of live devices (stage i on <see cref="Devices"/>[i]): each
/// device's speed and memory, and the link from each device to the next, as the devices measured them.
/// </summary>
public sealed record FleetProfile(IReadOnlyList<DeviceProfile> Devices, IReadOnlyList<LinkMeasurement> Links, IReadOnlyList<DeviceSpeedMeasurement> Speeds)
{
    /// <summary>Bytes each link probe sends in one call: enough to fill a shaped link for a while, far below Orleans' 100 MB body limit.</summary>
    public const int DefaultPayloadBytes = 2 << 20;

    /// <summary>The measured links as the planner reads them, link i from stage i to stage i+1.</summary>
    public IReadOnlyList<LinkProfile> LinkProfiles => Links.Select(l => new LinkProfile(l.BandwidthBytesPerSecond, l.RoundTripMilliseconds / 1e3)).ToArray();

    /// <summary>
    /// Measures every device of <paramref name="chain"/> (one at a time, so they do not slow each other down) and the
    /// link from each to the next.
    /// </summary>
    public static async Task<FleetProfile> MeasureAsync(
        IGrainFactory grains, IReadOnlyList<DeviceInfo> chain, int payloadBytes = DefaultPayloadBytes, int rounds = 2, IProgress<string>? progress = null)
    {
        ArgumentOutOfRangeException.ThrowIfZero(chain.Count);
        var speeds = new List<DeviceSpeedMeasurement>();
        foreach (var device in chain)
        {
            var speed = await Probe(grains, device.DeviceId).MeasureSpeedAsync();
            progress?.Report($"{device.DeviceId}: relative speed {speed.RelativeSpeed:F2}");
            speeds.Add(speed);
        }

        var links = new List<LinkMeasurement>();
        for (var i = 0; i + 1 < chain.Count; i++)
        {
            var link = await Probe(grains, chain[i].DeviceId).MeasureLinkAsync(chain[i + 1].DeviceId, payloadBytes, rounds);
            progress?.Report($"{link.FromDevice} → {link.ToDevice}: {link.Megabits:F1} Mbit/s, round trip {link.RoundTripMilliseconds:F2} ms");
            links.Add(link);
        }

        var devices = chain.Select((d, i) => new DeviceProfile(d.DeviceId, speeds[i].RelativeSpeed, d.MemoryBytes)).ToArray();
        return new FleetProfile(devices, links, speeds);
    }

    private static ILinkProbeGrain Probe(IGrainFactory grains, string device) => grains.GetGrain<ILinkProbeGrain>(ILinkProbeGrain.KeyFor(device));
}
