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

    /// <summary>Rounds of speed probes over the whole chain; each device keeps its best.</summary>
    public const int SpeedRounds = 2;

    /// <summary>
    /// Measures every device of <paramref name="chain"/> (one at a time, so they do not slow each other down) and the
    /// link from each to the next. Speeds are probed in <see cref="SpeedRounds"/> rounds over the chain: other work
    /// only ever slows a probe down, and a device busy for the whole of one probe (seen: 0.73 against 1.21 for its
    /// twin) gets a second chance after the others.
    /// </summary>
    public static async Task<FleetProfile> MeasureAsync(
        IGrainFactory grains, IReadOnlyList<DeviceInfo> chain, int payloadBytes = DefaultPayloadBytes, int rounds = 2, IProgress<string>? progress = null)
    {
        ArgumentOutOfRangeException.ThrowIfZero(chain.Count);
        var speeds = new DeviceSpeedMeasurement[chain.Count];
        for (var round = 0; round < SpeedRounds; round++)
        {
            for (var i = 0; i < chain.Count; i++)
            {
                var speed = await Probe(grains, chain[i].DeviceId).MeasureSpeedAsync();
                if (speeds[i] is null || speed.RelativeSpeed > speeds[i].RelativeSpeed)
                {
                    speeds[i] = speed;
                }
            }
        }

        foreach (var speed in speeds)
        {
            progress?.Report($"{speed.DeviceId}: relative speed {speed.RelativeSpeed:F2}");
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
