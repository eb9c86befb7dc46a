using System.Diagnostics.Metrics;
using EdgeCluster.Grains.Interfaces.Diagnostics;

namespace EdgeCluster.Grains.Diagnostics;

/// <summary>
/// Instruments of the inference path, on the shared <c>EdgeCluster</c> meter. Tags are few and bounded:
/// device (a fleet member), stage (an index), model, reason (a failure kind), source and target (devices).
/// </summary>
public static class PipelineMetrics
{
    public static readonly Histogram<double> StageComputeTime = EdgeClusterDiagnostics.Meter.CreateHistogram<double>(
        "edgecluster.stage.compute_time", "ms", "ONNX Runtime time of one stage run");

    public static readonly Histogram<double> StageQueueWait = EdgeClusterDiagnostics.Meter.CreateHistogram<double>(
        "edgecluster.stage.queue_wait", "ms", "Time from a call arriving at a stage until ONNX Runtime started its shard");

    public static readonly Histogram<int> StageBatchRows = EdgeClusterDiagnostics.Meter.CreateHistogram<int>(
        "edgecluster.stage.batch_rows", "{row}", "Rows of the batch a stage ran a request in (1: alone)");

    public static readonly UpDownCounter<long> StageQueueDepth = EdgeClusterDiagnostics.Meter.CreateUpDownCounter<long>(
        "edgecluster.stage.queue_depth", "{call}", "Calls at a stage waiting for ONNX Runtime to start their shard");

    public static readonly UpDownCounter<long> StageInFlight = EdgeClusterDiagnostics.Meter.CreateUpDownCounter<long>(
        "edgecluster.stage.in_flight", "{call}", "Calls at a stage that are waiting or computing");

    public static readonly UpDownCounter<long> RequestsInFlight = EdgeClusterDiagnostics.Meter.CreateUpDownCounter<long>(
        "edgecluster.request.in_flight", "{request}", "Requests that entered at this origin device and are not answered yet");

    public static readonly Counter<long> LinkBytes = EdgeClusterDiagnostics.Meter.CreateCounter<long>(
        "edgecluster.link.bytes", "By", "Tensor bytes sent from one device to the next stage's device");

    public static readonly Counter<long> StageBytesReceived = EdgeClusterDiagnostics.Meter.CreateCounter<long>(
        "edgecluster.stage.received", "By", "Tensor bytes a stage received");

    public static readonly Counter<long> Failures = EdgeClusterDiagnostics.Meter.CreateCounter<long>(
        "edgecluster.request.failures", "{request}", "Requests that failed, by reason");

    public static readonly Counter<long> Retries = EdgeClusterDiagnostics.Meter.CreateCounter<long>(
        "edgecluster.request.retries", "{retry}", "Stage calls retried after a device failed");

    public static readonly Counter<long> OriginAnswers = EdgeClusterDiagnostics.Meter.CreateCounter<long>(
        "edgecluster.request.origin_answers", "{request}", "Results a last stage handed straight to the request's origin device");

    public static readonly Histogram<double> RequestDuration = EdgeClusterDiagnostics.Meter.CreateHistogram<double>(
        "edgecluster.request.duration", "ms", "End-to-end time of a request, measured at its origin device");

    public static readonly Histogram<double> ShardLoadTime = EdgeClusterDiagnostics.Meter.CreateHistogram<double>(
        "edgecluster.shard.load_time", "ms", "Time to fetch a shard and open its session");

    /// <summary>Counts a request in flight at <paramref name="device"/> until the returned scope is disposed.</summary>
    public static RequestInFlight TrackRequest(string device) => new(device);
}
