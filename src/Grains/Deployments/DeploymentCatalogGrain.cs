using EdgeCluster.Grains.Failover;
using EdgeCluster.Grains.Interfaces.Deployments;

namespace EdgeCluster.Grains.Deployments;

/// <summary>Names of all deployments, kept in the fleet storage.</summary>
public sealed class DeploymentCatalogGrain(
    [PersistentState("deployments", FleetStorage.Name)] IPersistentState<SortedSet<string>> names) : Grain, IDeploymentCatalogGrain
{
    public async Task AddAsync(string deployment)
    {
        if (names.State.Add(deployment))
        {
            await names.WriteStateAsync();
        }
    }

    public Task<string[]> ListAsync() => Task.FromResult(names.State.ToArray());
}
