using EdgeCluster.Client.Fleet;
using EdgeCluster.Grains.Hosting;
using EdgeCluster.Silo.Clustering;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace EdgeCluster.Grains.Tests.Failover;

/// <summary>A real silo in this process on PostgreSQL membership, configured through the same keys a device's silo reads.</summary>
public static class PostgresSilo
{
    public static IHost Build(string connectionString, string clusterId, string serviceId, string device, string storeRoot)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddFilter(level => level >= LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Orleans:Clustering:ProviderType"] = "AdoNet",
            ["Orleans:Clustering:Invariant"] = "Npgsql",
            ["Orleans:Clustering:ConnectionString"] = connectionString,
            [$"{ModelStoreOptions.Section}:Path"] = Path.Combine(storeRoot, device),
            [$"{DeviceOptions.Section}:RelativeSpeed"] = "1",
        });
        var ports = FreePorts.Take(2);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(cluster =>
            {
                cluster.ClusterId = clusterId;
                cluster.ServiceId = serviceId;
            });
            silo.Configure<SiloOptions>(options => options.SiloName = device);
            silo.ConfigureEndpoints(System.Net.IPAddress.Loopback, ports[0], ports[1]);
            silo.AddFleetClustering(builder.Configuration);
            silo.AddEdgeClusterGrains();
        });
        return builder.Build();
    }
}
