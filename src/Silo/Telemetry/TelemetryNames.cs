using EdgeCluster.Grains.Interfaces.Diagnostics;

namespace EdgeCluster.Silo.Telemetry;

/// <summary>The activity sources and meters EdgeCluster processes listen to, shared by silos, the CLI and tests.</summary>
public static class TelemetryNames
{
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public const string DeviceAttribute = "edgecluster.device";

    /// <summary>Ours, plus Orleans' grain-call spans: without a listener on these Orleans does not propagate the trace context.</summary>
    public static readonly string[] TraceSources = [EdgeClusterDiagnostics.Name, "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    /// <summary>Ours, Orleans', and the runtime's built-in meter (.NET 9+), which needs no instrumentation package.</summary>
    public static readonly string[] Meters = [EdgeClusterDiagnostics.Name, "Microsoft.Orleans", "System.Runtime"];
}
