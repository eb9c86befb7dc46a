using EdgeCluster.Grains.Hosting;
using EdgeCluster.Silo.Protocol;
using EdgeCluster.Silo.Telemetry;
using Orleans.Configuration;

namespace EdgeCluster.Silo;

/// <summary>Builds the silo host: Orleans from the <c>Orleans</c> configuration section, the device from <c>EdgeCluster:Device</c>.</summary>
public static class SiloApplication
{
    public static WebApplication Create(string[] args)
    {
        // Content root fixed to the binaries: the CLI launches silos from any working directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Orleans", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        var deviceId = builder.Configuration[$"{DeviceOptions.Section}:Id"] is { Length: > 0 } id ? id : Environment.MachineName;

        builder.AddEdgeClusterTelemetry();
        builder.AddInferenceProtocol();
        builder.UseOrleans(silo =>
        {
            // Embedded default: a fleet of silo processes on this machine with no database.
            if (string.IsNullOrEmpty(builder.Configuration["Orleans:Clustering:ProviderType"]))
            {
                silo.UseLocalhostClustering();
            }

            silo.Configure<SiloOptions>(options => options.SiloName = deviceId);
            silo.Configure<SiloMessagingOptions>(options => options.ResponseTimeout = TimeSpan.FromMinutes(2));
            silo.AddActivityPropagation();
            silo.AddEdgeClusterGrains();
        });

        var app = builder.Build();
        app.MapHealthEndpoints();
        app.MapTelemetryEndpoints();
        app.MapInferenceProtocol();
        return app;
    }
}
