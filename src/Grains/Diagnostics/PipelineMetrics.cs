using System.Diagnostics.Metrics;
using EdgeCluster.Grains.Interfaces.Diagnostics;

namespace EdgeCluster.Grains.Diagnostics;

/// <summary>Instruments of the inference path, on the shared <c>EdgeCluster</c> meter.</summary>
public static class PipelineMetrics
{
    public static readonly Histogram<double> StageComputeTime = EdgeClusterDiagnostics.Meter.CreateHistogram<double>(
        "edgecluster.stage.compute_time", "ms", "ONNX Runtime time of one stage run");

    public static readonly Counter<long> LinkBytes = EdgeClusterDiagnostics.Meter.CreateCounter<long>(
        "edgecluster.link.bytes", "By", "Tensor bytes sent from one device to the next stage's device");

    public static readonly Counter<long> StageBytesReceived = EdgeClusterDiagnostics.Meter.CreateCounter<long>(
        "edgecluster.stage.bytes_received", "By", "Tensor bytes a stage received");

    public static readonly Counter<long> Failures = EdgeClusterDiagnostics.Meter.CreateCounter<long>(
        "edgecluster.request.failures", "{request}", "Requests that failed, by reason");

    public static readonly Counter<long> Retries = EdgeClusterDiagnostics.Meter.CreateCounter<long>(
        "edgecluster.request.retries", "{retry}", "Stage calls retried after a device failed");

    public static readonly Histogram<double> RequestDuration = EdgeClusterDiagnostics.Meter.CreateHistogram<double>(
        "edgecluster.request.duration", "ms", "End-to-end time of a request, measured at its origin device");

    public static readonly Histogram<double> ShardLoadTime = EdgeClusterDiagnostics.Meter.CreateHistogram<double>(
        "edgecluster.shard.load_time", "ms", "Time to fetch a shard and open its session");
}
