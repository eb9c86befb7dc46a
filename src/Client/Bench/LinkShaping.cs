using System.Globalization;
using EdgeCluster.Client.Fleet;

namespace EdgeCluster.Client.Bench;

/// <summary>
/// Rate limits on the devices' own egress (tc tbf on eth0 inside each device's namespace): traffic from one device to
/// another crosses one shaped link, while the host's traffic into a device (the client's request with the raw input)
/// does not. Shaping can change while the silos run, so shards are shipped at full speed before a rate is set.
/// </summary>
public static class LinkShaping
{
    /// <summary>The token bucket's size: what a device may send at full speed after its link was idle.</summary>
    public const int BurstBytes = 64 * 1024;

    /// <summary>Why links cannot be shaped here, or null when they can (root, with ip and tc installed).</summary>
    public static string? Unavailable()
    {
        if (Environment.UserName != "root")
        {
            return "shaped links need root (network namespaces, veth links, tc)";
        }

        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        foreach (var tool in new[] { "ip", "tc" })
        {
            if (!path.Any(folder => File.Exists(Path.Combine(folder, tool))))
            {
                return $"'{tool}' is not installed (iproute2)";
            }
        }

        return null;
    }

    /// <summary>Limits every device's egress to <paramref name="megabits"/> Mbit/s (10^6 bits), replacing any earlier limit.</summary>
    public static Task ShapeAsync(NetworkNamespaceRig rig, double megabits, CancellationToken cancellationToken) =>
        Task.WhenAll(rig.Devices.Select(d => ExternalCommand.RunAsync("ip",
        [
            "netns", "exec", d.Namespace, "tc", "qdisc", "replace", "dev", "eth0", "root", "tbf",
            "rate", megabits.ToString("0.###", CultureInfo.InvariantCulture) + "mbit", "burst", $"{BurstBytes}b", "latency", "100ms",
        ], cancellationToken)));

    /// <summary>How long an idle link takes to fill its token bucket again at <paramref name="megabits"/> Mbit/s.</summary>
    public static TimeSpan BucketRefill(double megabits) => TimeSpan.FromSeconds(BurstBytes * 8 / (megabits * 1e6));

    /// <summary>Removes the limits: links run at full speed again.</summary>
    public static async Task ClearAsync(NetworkNamespaceRig rig)
    {
        foreach (var device in rig.Devices)
        {
            try
            {
                await ExternalCommand.RunAsync("ip", ["netns", "exec", device.Namespace, "tc", "qdisc", "del", "dev", "eth0", "root"]);
            }
            catch (EdgeClusterCliException)
            {
                // No limit was set.
            }
        }
    }
}
