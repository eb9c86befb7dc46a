using System.Globalization;

namespace EdgeCluster.Onnx.Partitioning;

/// <summary>A network link between two consecutive stages.</summary>
/// <param name="BandwidthBytesPerSecond">Sustained payload bandwidth; <see cref="double.PositiveInfinity"/> for a link that costs nothing per byte.</param>
/// <param name="RoundTripSeconds">Time of one call and its reply without payload (latency objective only: pipelined requests hide it).</param>
public sealed record LinkProfile(double BandwidthBytesPerSecond, double RoundTripSeconds)
{
    /// <summary>A link with no per-byte cost and no round trip.</summary>
    public static LinkProfile Unlimited { get; } = new(double.PositiveInfinity, 0);

    /// <summary>A link of <paramref name="megabitsPerSecond"/> Mbit/s (10^6 bits) with the given round trip in milliseconds.</summary>
    public static LinkProfile FromMegabits(double megabitsPerSecond, double roundTripMilliseconds = 0) =>
        new(megabitsPerSecond * 1e6 / 8, roundTripMilliseconds / 1e3);

    /// <summary>Seconds to move <paramref name="bytes"/> across the link, round trip excluded.</summary>
    public double TransferSeconds(long bytes) => bytes == 0 ? 0 : bytes / BandwidthBytesPerSecond;

    /// <summary>Throws <see cref="PartitionException"/> unless the bandwidth is positive and the round trip finite and not negative.</summary>
    public void Validate()
    {
        if (!(BandwidthBytesPerSecond > 0))
        {
            throw new PartitionException(string.Create(CultureInfo.InvariantCulture, $"A link bandwidth must be positive; got {BandwidthBytesPerSecond} bytes/s."));
        }

        if (!(RoundTripSeconds >= 0) || double.IsInfinity(RoundTripSeconds))
        {
            throw new PartitionException(string.Create(CultureInfo.InvariantCulture, $"A link round trip must be finite and not negative; got {RoundTripSeconds} s."));
        }
    }
}
