using EdgeCluster.Grains.Failover;
using EdgeCluster.Grains.Hosting;
using EdgeCluster.Grains.Security;
using EdgeCluster.Silo.Clustering;
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

        // Loaded before anything starts: a silo whose certificate is unusable refuses to start, naming the file.
        var tlsOptions = builder.Configuration.GetSection(FleetTlsOptions.Section).Get<FleetTlsOptions>() ?? new FleetTlsOptions();
        var tls = tlsOptions.Enabled ? FleetCredentials.Load(tlsOptions) : null;

        // A SIGTERM drains the device's stage work before the silo leaves (GracefulDrain.MaxDrain) within this.
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = GracefulDrain.MaxDrain + TimeSpan.FromSeconds(25));
        builder.AddEdgeClusterTelemetry();
        builder.AddInferenceProtocol();
        builder.UseOrleans(silo =>
        {
            // Localhost clustering unless Orleans:Clustering names a provider (AdoNet: PostgreSQL); fleet storage to match.
            silo.AddFleetClustering(builder.Configuration);
            silo.Configure<SiloOptions>(options => options.SiloName = deviceId);
            silo.Configure<SiloMessagingOptions>(options => options.ResponseTimeout = TimeSpan.FromMinutes(2));
            silo.AddActivityPropagation();
            silo.AddEdgeClusterGrains();
            if (tls is not null)
            {
                silo.UseFleetTls(tls);
            }
        });

        var app = builder.Build();
        app.MapHealthEndpoints();
        app.MapTelemetryEndpoints();
        app.MapInferenceProtocol();
        return app;
    }
}
