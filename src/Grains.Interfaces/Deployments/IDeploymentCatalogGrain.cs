namespace EdgeCluster.Grains.Interfaces.Deployments;

/// <summary>Names of all deployments (one activation, key <see cref="Key"/>).</summary>
[Alias("edgecluster.IDeploymentCatalogGrain")]
public interface IDeploymentCatalogGrain : IGrainWithStringKey
{
    const string Key = "fleet";

    [Alias("add")]
    Task AddAsync(string deployment);

    [Alias("list")]
    Task<string[]> ListAsync();
}
