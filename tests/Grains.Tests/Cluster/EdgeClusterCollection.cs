namespace EdgeCluster.Grains.Tests.Cluster;

/// <summary>Every cluster test shares one three-silo cluster and one ResNet18 deployment.</summary>
[CollectionDefinition(Name)]
public sealed class EdgeClusterCollection : ICollectionFixture<EdgeClusterFixture>
{
    public const string Name = "EdgeCluster";
}
