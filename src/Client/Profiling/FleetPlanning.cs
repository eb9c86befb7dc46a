using EdgeCluster.Grains.Devices;
using EdgeCluster.Onnx.Compression;
using EdgeCluster.Onnx.Partitioning;

namespace EdgeCluster.Client.Profiling;

/// <summary>Turns a measured <see cref="FleetProfile"/> into the objective planner's inputs.</summary>
public static class FleetPlanning
{
    /// <summary>
    /// Costs with the measured links (link i from stage i to i+1). <paramref name="flopsPerSecondHere"/> is this machine's
    /// FLOP/s on the model; divided by this machine's speed on the devices' probe, it is the FLOP/s of a speed-1 device.
    /// </summary>
    public static PlanCosts Costs(FleetProfile profile, double flopsPerSecondHere, double speedHere, IReadOnlyList<ActivationCodec> codecs)
    {
        var links = profile.LinkProfiles;
        return new PlanCosts(flopsPerSecondHere / speedHere, links.Count > 0 ? links[0] : LinkProfile.Unlimited)
        {
            Links = links,
            Codecs = codecs,
        };
    }

    /// <summary>This machine's speed on the scale the devices' probes report (the same benchmark, best of five short runs).</summary>
    public static double SpeedHere() => Enumerable.Range(0, 5).Max(_ => DeviceSpeedProbe.Measure(TimeSpan.FromMilliseconds(100)));
}
