using EdgeCluster.Grains.Interfaces.Deployments;

namespace EdgeCluster.Grains.Deployments;

/// <summary>A deployment as stored in the fleet storage, so it survives the loss of the silo that held it.</summary>
[GenerateSerializer, Alias("edgecluster.deployment-record")]
public sealed class DeploymentRecord
{
    [Id(0)]
    public DeploymentSpec? Spec { get; set; }

    [Id(1)]
    public DeploymentState State { get; set; }

    [Id(2)]
    public string? Error { get; set; }

    [Id(3)]
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Published routes, oldest first; requests under way may still follow older ones.</summary>
    [Id(4)]
    public List<DeploymentRoute> Routes { get; set; } = [];

    public DeploymentRoute? Latest => Routes.Count == 0 ? null : Routes[^1];
}
