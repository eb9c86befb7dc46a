namespace EdgeCluster.Grains.Interfaces.Profiling;

/// <summary>A device's compute speed as its probe measured it just now.</summary>
/// <param name="RelativeSpeed">Single-thread multiply-add speed; 1.0 is about one core of a 2020s desktop, only ratios matter.</param>
[GenerateSerializer, Immutable, Alias("edgecluster.device-speed-measurement")]
public sealed record DeviceSpeedMeasurement(
    [property: Id(0)] string DeviceId,
    [property: Id(1)] double RelativeSpeed,
    [property: Id(2)] int Cores);
