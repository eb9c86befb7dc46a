namespace EdgeCluster.Grains.Interfaces.Deployments;

/// <summary>The stages of a ready deployment; <paramref name="Version"/> changes whenever any stage moves.</summary>
[GenerateSerializer, Immutable, Alias("edgecluster.deployment-route")]
public sealed record DeploymentRoute(
    [property: Id(0)] string Deployment,
    [property: Id(1)] string Model,
    [property: Id(2)] int Version,
    [property: Id(3)] string[] ModelInputs,
    [property: Id(4)] string[] ModelOutputs,
    [property: Id(5)] StageRoute[] Stages);
