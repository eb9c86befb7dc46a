namespace EdgeCluster.Grains.Failover;

/// <summary>
/// The grain storage that keeps fleet-wide state (deployments, model registry, deployment catalog): PostgreSQL
/// through Orleans' ADO.NET provider when the fleet runs on ADO.NET clustering, in memory for development fleets.
/// </summary>
public static class FleetStorage
{
    public const string Name = "edgecluster";
}
