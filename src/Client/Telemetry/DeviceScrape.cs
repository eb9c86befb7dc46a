using EdgeCluster.Grains.Interfaces.Devices;

namespace EdgeCluster.Client.Telemetry;

/// <summary>What one device's <c>/metrics</c> endpoint answered, or why it could not be read.</summary>
public sealed record DeviceScrape(DeviceInfo Device, IReadOnlyList<MetricSample> Samples, string? Error)
{
    public bool Up => Error is null;
}
