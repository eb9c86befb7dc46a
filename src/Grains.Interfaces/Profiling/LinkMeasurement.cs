namespace EdgeCluster.Grains.Interfaces.Profiling;

/// <summary>The link from <paramref name="FromDevice"/> to <paramref name="ToDevice"/> as one probe measured it.</summary>
/// <param name="Bytes">Payload bytes that arrived in each transfer call (as the receiving device counted them).</param>
/// <param name="RoundTripMilliseconds">Median round trip of an empty call.</param>
/// <param name="TransferMilliseconds">The fastest transfer call, its round trip included.</param>
/// <param name="BandwidthBytesPerSecond">Bytes / (transfer - round trip).</param>
[GenerateSerializer, Immutable, Alias("edgecluster.link-measurement")]
public sealed record LinkMeasurement(
    [property: Id(0)] string FromDevice,
    [property: Id(1)] string ToDevice,
    [property: Id(2)] long Bytes,
    [property: Id(3)] double RoundTripMilliseconds,
    [property: Id(4)] double TransferMilliseconds,
    [property: Id(5)] double BandwidthBytesPerSecond)
{
    public double Megabits => BandwidthBytesPerSecond * 8 / 1e6;
}
