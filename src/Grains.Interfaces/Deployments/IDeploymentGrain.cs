using Orleans.Concurrency;

namespace EdgeCluster.Grains.Interfaces.Deployments;

/// <summary>A named deployment of one model over the fleet (key: the deployment name).</summary>
[Alias("edgecluster.IDeploymentGrain")]
public interface IDeploymentGrain : IGrainWithStringKey
{
    /// <summary>Plans the split, ships each shard to its device, loads it there, and returns the ready status.</summary>
    [Alias("deploy")]
    Task<DeploymentStatus> DeployAsync(DeploymentSpec spec);

    /// <summary>Current state; <see cref="DeploymentState.None"/> when nothing was deployed under this name.</summary>
    /// <remarks>
    /// Answers even while the deployment is in the middle of a turn: retiring replicas, a deployment asks every other
    /// one for its route from a timer, and two doing so at once would otherwise each wait for the other until the call timed out.
    /// </remarks>
    [Alias("status"), AlwaysInterleave]
    Task<DeploymentStatus> GetStatusAsync();

    /// <summary>The route of a ready deployment; fails with NotFound when there is none.</summary>
    [Alias("route")]
    Task<DeploymentRoute> GetRouteAsync();

    /// <summary>
    /// The route published as <paramref name="version"/>, kept after newer versions appear so that requests
    /// already under way finish on the layout they started with; NotFound once it has been dropped.
    /// </summary>
    [Alias("route-version")]
    Task<DeploymentRoute> GetRouteVersionAsync(int version);

    /// <summary>
    /// Called when <paramref name="unreachableDevice"/> did not answer for a stage: if that device has left the
    /// cluster, its stages move to surviving devices (or the model is re-planned). Returns the newest route.
    /// </summary>
    [Alias("repair")]
    Task<DeploymentRoute> RepairAsync(string unreachableDevice);

    /// <summary>Moves every stage off <paramref name="deviceId"/>, which is about to leave; returns the newest route.</summary>
    [Alias("evacuate")]
    Task<DeploymentRoute> EvacuateAsync(string deviceId);

    /// <summary>Re-plans the deployment over the devices in the fleet now; requests under way finish on the old route.</summary>
    [Alias("rebalance")]
    Task<DeploymentStatus> RebalanceAsync();

    /// <summary>
    /// Sets the number of replicas of <paramref name="stage"/> (not stage 0, which runs on each origin): new replicas load
    /// their shard before they enter the route; removed ones leave the route at once and finish what they already hold.
    /// </summary>
    [Alias("scale")]
    Task<DeploymentStatus> ScaleAsync(int stage, int replicas);
}
