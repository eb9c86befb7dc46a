namespace EdgeCluster.Silo.Protocol;

/// <summary>Limits of the Open Inference Protocol endpoints (section <c>EdgeCluster:InferenceProtocol</c>).</summary>
public sealed class InferenceProtocolOptions
{
    public const string Section = "EdgeCluster:InferenceProtocol";

    /// <summary>
    /// Most input tensor bytes one request may carry (sum over its inputs, as declared by their shapes
    /// and as sent). The default stays well under Orleans' 100 MB message limit, since inputs may be
    /// forwarded to later stages.
    /// </summary>
    public long MaxRequestBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// What the gRPC framework buffers before our check runs: above <see cref="MaxRequestBytes"/>, so a
    /// request somewhat over the limit reaches the check that names its tensors; protobuf framing adds little.
    /// </summary>
    public int GrpcMaxReceiveBytes => (int)Math.Min(int.MaxValue, (MaxRequestBytes * 2) + (1024 * 1024));

    /// <summary>Largest REST body read: JSON numbers take several characters per tensor byte.</summary>
    public long RestMaxBodyBytes => (MaxRequestBytes * 4) + (1024 * 1024);
}
