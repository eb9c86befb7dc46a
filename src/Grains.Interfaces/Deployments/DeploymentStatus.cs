namespace EdgeCluster.Grains.Interfaces.Deployments;

[GenerateSerializer, Immutable, Alias("edgecluster.deployment-status")]
public sealed record DeploymentStatus(
    [property: Id(0)] string Name,
    [property: Id(1)] DeploymentState State,
    [property: Id(2)] DeploymentRoute? Route,
    [property: Id(3)] string? Error,
    [property: Id(4)] DateTimeOffset UpdatedAt);
