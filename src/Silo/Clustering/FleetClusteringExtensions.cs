using EdgeCluster.Grains.Failover;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;

namespace EdgeCluster.Silo.Clustering;

/// <summary>
/// Clustering and fleet storage from the <c>Orleans:Clustering</c> section. <c>ProviderType=AdoNet</c> with
/// <c>Invariant=Npgsql</c> and <c>ConnectionString</c> puts membership in PostgreSQL (Orleans reads those keys itself)
/// and the fleet-wide grain state in the same database; no provider means one machine with localhost clustering
/// and fleet state in files under <c>EdgeCluster:FleetState:Directory</c> (set by <c>fleet up</c>), else in memory.
/// </summary>
public static class FleetClusteringExtensions
{
    public const string Section = "Orleans:Clustering";

    /// <summary>Folder for the fleet-wide grain state of a development fleet (one machine); unset: in memory.</summary>
    public const string FleetStateDirectoryKey = "EdgeCluster:FleetState:Directory";

    public static ISiloBuilder AddFleetClustering(this ISiloBuilder silo, IConfiguration configuration)
    {
        var clustering = configuration.GetSection(Section);
        var provider = clustering["ProviderType"];
        if (string.IsNullOrEmpty(provider))
        {
            silo.UseLocalhostClustering();
        }

        silo.Configure<ClusterMembershipOptions>(MembershipTuning.Apply);
        if (string.Equals(provider, "AdoNet", StringComparison.OrdinalIgnoreCase))
        {
            var invariant = clustering["Invariant"] is { Length: > 0 } name ? name : "Npgsql";
            var connectionString = clustering["ConnectionString"] is { Length: > 0 } text
                ? text
                : configuration.GetConnectionString(clustering["ConnectionName"] ?? "")
                  ?? throw new InvalidOperationException($"{Section}:ProviderType is AdoNet but neither {Section}:ConnectionString nor {Section}:ConnectionName is set.");
            silo.AddAdoNetGrainStorage(FleetStorage.Name, options => options.Configure<Serializer>((storage, serializer) =>
            {
                storage.Invariant = invariant;
                storage.ConnectionString = connectionString;

                // Orleans' own binary format: the stored records are [GenerateSerializer] types already.
                storage.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
            }));
        }
        else if (configuration[FleetStateDirectoryKey] is { Length: > 0 } directory)
        {
            silo.Services.AddGrainStorage(FleetStorage.Name, (services, _) => new FileGrainStorage(directory, services.GetRequiredService<Serializer>()));
        }

        return silo;
    }
}
