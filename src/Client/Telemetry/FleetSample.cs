using EdgeCluster.Grains.Interfaces.Deployments;

namespace EdgeCluster.Client.Telemetry;

/// <summary>The fleet at one moment: its registries and every device's metrics, taken at <paramref name="Timestamp"/> (a Stopwatch timestamp).</summary>
public sealed record FleetSample(long Timestamp, DateTimeOffset TakenAt, IReadOnlyList<DeviceScrape> Devices, IReadOnlyList<DeploymentStatus> Deployments)
{
    /// <summary>The sum of series <paramref name="name"/> over the fleet, grouped by <paramref name="key"/> of (scraped device, sample).</summary>
    public Dictionary<TKey, double> SumBy<TKey>(string name, Func<string, MetricSample, TKey> key)
        where TKey : notnull =>
        Devices.SelectMany(d => d.Samples.Where(s => s.Name == name).Select(s => (Key: key(d.Device.DeviceId, s), s.Value)))
            .GroupBy(p => p.Key)
            .ToDictionary(g => g.Key, g => g.Sum(p => p.Value));
}
