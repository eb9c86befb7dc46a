namespace EdgeCluster.Grains.Interfaces.Deployments;

/// <summary>A named deployment of one model over the fleet (key: the deployment name).</summary>
[Alias("edgecluster.IDeploymentGrain")]
public interface IDeploymentGrain : IGrainWithStringKey
{
    /// <summary>Plans the split, ships each shard to its device, loads it there, and returns the ready status.</summary>
    [Alias("deploy")]
    Task<DeploymentStatus> DeployAsync(DeploymentSpec spec);

    /// <summary>Current state; <see cref="DeploymentState.None"/> when nothing was deployed under this name.</summary>
    [Alias("status")]
    Task<DeploymentStatus> GetStatusAsync();

    /// <summary>The route of a ready deployment; fails with NotFound when there is none.</summary>
    [Alias("route")]
    Task<DeploymentRoute> GetRouteAsync();
}
