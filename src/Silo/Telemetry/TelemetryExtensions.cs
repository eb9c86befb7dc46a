using EdgeCluster.Grains.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace EdgeCluster.Silo.Telemetry;

/// <summary>OpenTelemetry for the silo host: traces and metrics, a Prometheus scrape endpoint, and OTLP when configured.</summary>
public static class TelemetryExtensions
{
    public const string ServiceName = "edgecluster-silo";

    public const string MetricsPath = "/metrics";

    /// <summary>
    /// Traces EdgeCluster and Orleans grain calls, meters EdgeCluster, Orleans and the .NET runtime, and exports
    /// over OTLP only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. Tracing stays on without an exporter so that
    /// every request still carries a trace id back to its caller.
    /// </summary>
    public static WebApplicationBuilder AddEdgeClusterTelemetry(this WebApplicationBuilder builder)
    {
        var deviceId = builder.Configuration[$"{DeviceOptions.Section}:Id"] is { Length: > 0 } id ? id : Environment.MachineName;
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource
                .AddService(ServiceName, serviceInstanceId: deviceId)
                .AddAttributes([new KeyValuePair<string, object>(TelemetryNames.DeviceAttribute, deviceId)]))
            .WithTracing(tracing => tracing.AddSource(TelemetryNames.TraceSources))
            .WithMetrics(metrics => metrics.AddMeter(TelemetryNames.Meters).AddPrometheusExporter());

        if (!string.IsNullOrWhiteSpace(builder.Configuration[TelemetryNames.OtlpEndpointVariable]))
        {
            telemetry.UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>Maps <c>/metrics</c>, the Prometheus scrape endpoint, beside <c>/health</c> and <c>/ready</c>.</summary>
    public static WebApplication MapTelemetryEndpoints(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint(MetricsPath);
        return app;
    }
}
