namespace EdgeCluster.Silo.Tests.Telemetry;

/// <summary>Trace and metric tests share one three-silo cluster and run one after another, so their measurements never mix.</summary>
[CollectionDefinition(Name)]
public sealed class TelemetryClusterCollection : ICollectionFixture<TelemetryClusterFixture>
{
    public const string Name = "Telemetry cluster";
}
