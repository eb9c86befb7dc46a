using System.Diagnostics.Metrics;
using EdgeCluster.Grains.Interfaces.Diagnostics;
using EdgeCluster.Grains.Transfer.Link;

namespace EdgeCluster.Grains.Diagnostics;

/// <summary>Bytes and time of tensors that crossed a direct activation link instead of an Orleans message.</summary>
public static class ActivationLinkMetrics
{
    private static readonly Counter<long> SentBytes = EdgeClusterDiagnostics.Meter.CreateCounter<long>(
        "edgecluster.activation_link.sent", "By", "Tensor bytes sent on a direct activation link");

    private static readonly Counter<long> ReceivedBytes = EdgeClusterDiagnostics.Meter.CreateCounter<long>(
        "edgecluster.activation_link.received", "By", "Tensor bytes received on this device's activation link");

    private static readonly Histogram<double> ReceiveTime = EdgeClusterDiagnostics.Meter.CreateHistogram<double>(
        "edgecluster.activation_link.receive_time", "ms", "Time from a tensor frame's header to its last byte");

    private static readonly Counter<long> Fallbacks = EdgeClusterDiagnostics.Meter.CreateCounter<long>(
        "edgecluster.activation_link.fallbacks", "{fallback}", "Tensors or calls sent as Orleans messages because the link could not be used");

    private static readonly Counter<long> CallsServed = EdgeClusterDiagnostics.Meter.CreateCounter<long>(
        "edgecluster.activation_link.calls", "{call}", "Stage calls this device received on its activation link instead of as Orleans messages");

    public static void CallServed(string device, ActivationLinkMethod method) =>
        CallsServed.Add(1, new(MetricTags.Device, device), new("method", method.ToString()));

    public static void Sent(long bytes, string source, string target) =>
        SentBytes.Add(bytes, new(MetricTags.Source, source), new(MetricTags.Target, target));

    public static void Received(long bytes, string device, TimeSpan elapsed)
    {
        ReceivedBytes.Add(bytes, new KeyValuePair<string, object?>(MetricTags.Device, device));
        ReceiveTime.Record(elapsed.TotalMilliseconds, new KeyValuePair<string, object?>(MetricTags.Device, device));
    }

    public static void FellBack(string source, string target) =>
        Fallbacks.Add(1, new(MetricTags.Source, source), new(MetricTags.Target, target));
}
