using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace EdgeCluster.Grains.Failover;

public static class FailoverSiloBuilderExtensions
{
    /// <summary>The duplicate guard, the stage work tracker, the graceful drain on stop, and the fleet storage when none is configured.</summary>
    public static ISiloBuilder AddEdgeClusterFailover(this ISiloBuilder silo)
    {
        silo.Services.AddSingleton<OriginRequestGuard>();
        silo.Services.AddSingleton<StageWorkTracker>();
        silo.Services.AddSingleton<Inference.ReplicaSelector>();
        silo.Services.AddSingleton<GracefulDrain>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<GracefulDrain>());

        // Hosts that configured the fleet storage (PostgreSQL) before this call keep it; anything else gets memory.
        if (!silo.Services.Any(d => d.ServiceType == typeof(IGrainStorage) && Equals(d.ServiceKey, FleetStorage.Name)))
        {
            silo.AddMemoryGrainStorage(FleetStorage.Name);
        }

        return silo;
    }
}
