using EdgeCluster.Grains.Interfaces.Deployments;

namespace EdgeCluster.Grains.Deployments;

public sealed class DeploymentCatalogGrain : Grain, IDeploymentCatalogGrain
{
    private readonly SortedSet<string> _names = new(StringComparer.Ordinal);

    public Task AddAsync(string deployment)
    {
        _names.Add(deployment);
        return Task.CompletedTask;
    }

    public Task<string[]> ListAsync() => Task.FromResult(_names.ToArray());
}
