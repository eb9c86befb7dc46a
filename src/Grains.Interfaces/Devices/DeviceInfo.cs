namespace EdgeCluster.Grains.Interfaces.Devices;

/// <summary>A device of the fleet: one silo, its endpoints and what it can do.</summary>
[GenerateSerializer, Immutable, Alias("edgecluster.device-info")]
public sealed record DeviceInfo(
    [property: Id(0)] string DeviceId,
    [property: Id(1)] string SiloAddress,
    [property: Id(2)] string? Gateway,
    [property: Id(3)] string? Http,
    [property: Id(4)] int ProcessId,
    [property: Id(5)] string[] Labels,
    [property: Id(6)] int Cores,
    [property: Id(7)] long MemoryBytes,
    [property: Id(8)] double RelativeSpeed,
    [property: Id(9)] DateTimeOffset JoinedAt,
    [property: Id(10)] string? Grpc)
{
    /// <summary>HOST:PORT of the device's activation link, where large tensors for it go beside the grain calls; null when it has none.</summary>
    [Id(11)]
    public string? ActivationLink { get; init; }
}
