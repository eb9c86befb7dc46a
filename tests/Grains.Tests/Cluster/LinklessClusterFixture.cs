using EdgeCluster.Grains.Transfer.Link;

namespace EdgeCluster.Grains.Tests.Cluster;

/// <summary>The three-silo cluster with the activation link switched off: every tensor travels inside Orleans messages.</summary>
public sealed class LinklessClusterFixture : EdgeClusterFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> SiloSettings =>
        [KeyValuePair.Create<string, string?>($"{ActivationLinkOptions.Section}:Enabled", "false")];
}

[CollectionDefinition(Name)]
public sealed class LinklessClusterCollection : ICollectionFixture<LinklessClusterFixture>
{
    public const string Name = "EdgeCluster without activation link";
}
