using EdgeCluster.Grains.Interfaces.Deployments;

namespace EdgeCluster.Grains.Failover;

/// <summary>
/// Two routes share a layout when every stage runs the same shard: a request can then move from one to the
/// other between stages, because each stage still receives exactly the tensors it expects.
/// </summary>
public static class RouteLayout
{
    public static bool SameLayout(DeploymentRoute a, DeploymentRoute b) =>
        a.Stages.Length == b.Stages.Length
        && a.Stages.Zip(b.Stages).All(pair => string.Equals(pair.First.ShardSha256, pair.Second.ShardSha256, StringComparison.Ordinal));
}
