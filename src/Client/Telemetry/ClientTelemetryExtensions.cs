using EdgeCluster.Silo.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace EdgeCluster.Client.Telemetry;

/// <summary>OpenTelemetry for a client process (the CLI): traces over OTLP, and only when an OTLP endpoint is configured.</summary>
public static class ClientTelemetryExtensions
{
    public const string ServiceName = "edgecluster-cli";

    public static IHostApplicationBuilder AddEdgeClusterClientTelemetry(this IHostApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(TelemetryNames.OtlpEndpointVariable)))
        {
            return builder;
        }

        // The client host starts without default configuration sources; the exporter reads only the OTEL_* settings.
        builder.Configuration.AddInMemoryCollection(Environment.GetEnvironmentVariables()
            .Cast<System.Collections.DictionaryEntry>()
            .Where(e => e.Key is string key && key.StartsWith("OTEL_", StringComparison.Ordinal))
            .Select(e => new KeyValuePair<string, string?>((string)e.Key, e.Value as string)));
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithTracing(tracing => tracing.AddSource(TelemetryNames.TraceSources))
            .UseOtlpExporter();
        return builder;
    }
}
