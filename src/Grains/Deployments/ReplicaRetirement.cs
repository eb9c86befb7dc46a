using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Grains.Interfaces.Inference;

namespace EdgeCluster.Grains.Deployments;

/// <summary>
/// Frees the sessions of replicas a scale-down removed, once they can no longer be needed: requests that started
/// under an older route may still reach a removed replica for a while, so it stays loaded for <see cref="Grace"/>.
/// A shard that another deployment (or another stage) still runs on that device stays loaded.
/// </summary>
public static class ReplicaRetirement
{
    /// <summary>Longer than a stage's route refresh plus a slow request under load.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Unloads <paramref name="shardSha256"/> on each of <paramref name="devices"/> that no current route still uses
    /// (<paramref name="own"/>, the calling deployment's latest, is passed in: asking it would call back into the caller).
    /// Returns the devices it unloaded.
    /// </summary>
    public static async Task<IReadOnlyList<string>> UnloadAsync(IGrainFactory grains, DeploymentRoute own, string shardSha256, IReadOnlyList<string> devices)
    {
        var others = await Task.WhenAll((await grains.GetGrain<IDeploymentCatalogGrain>(IDeploymentCatalogGrain.Key).ListAsync())
            .Where(deployment => deployment != own.Deployment)
            .Select(deployment => grains.GetGrain<IDeploymentGrain>(deployment).GetStatusAsync()));
        var routes = others.Select(status => status.Route).OfType<DeploymentRoute>().Prepend(own);

        var inUse = new HashSet<string>(StringComparer.Ordinal);
        foreach (var route in routes)
        {
            foreach (var stage in route.Stages)
            {
                if (stage.ShardSha256 == shardSha256)
                {
                    inUse.UnionWith(stage.Devices);
                }
            }
        }

        var retired = devices.Where(d => !inUse.Contains(d)).ToArray();
        await Task.WhenAll(retired.Select(d => grains.GetGrain<IModelShardGrain>(IModelShardGrain.KeyFor(d, shardSha256)).UnloadAsync()));
        return retired;
    }
}
