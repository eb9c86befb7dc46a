using EdgeCluster.Onnx.Compression;

namespace EdgeCluster.Onnx.Partitioning;

/// <summary>The link after stage <paramref name="FromStage"/> as planned: its codec, bytes and estimated times.</summary>
/// <param name="RawBytes">Bytes of the crossing tensors as produced.</param>
/// <param name="WireBytes">Bytes on the wire under <paramref name="Codec"/> (only Float tensors shrink).</param>
/// <param name="TransferSeconds">WireBytes / bandwidth.</param>
/// <param name="CodecSeconds">CPU time to encode and decode the Float elements.</param>
/// <param name="RoundTripSeconds">The link's round trip.</param>
public sealed record LinkPlan(
    int FromStage, ActivationCodec Codec, long RawBytes, long WireBytes, double TransferSeconds, double CodecSeconds, double RoundTripSeconds)
{
    /// <summary>What one request waits for on this link.</summary>
    public double LatencySeconds => RoundTripSeconds + TransferSeconds + CodecSeconds;

    /// <summary>How long the link is busy per request when requests are pipelined.</summary>
    public double OccupancySeconds => TransferSeconds + CodecSeconds;
}
