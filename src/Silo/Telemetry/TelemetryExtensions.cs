namespace EdgeCluster.Silo.Telemetry;

/// <summary>OpenTelemetry for the silo host (traces, metrics, exporters).</summary>
public static class TelemetryExtensions
{
    public static WebApplicationBuilder AddEdgeClusterTelemetry(this WebApplicationBuilder builder) => builder;

    public static WebApplication MapTelemetryEndpoints(this WebApplication app) => app;
}
