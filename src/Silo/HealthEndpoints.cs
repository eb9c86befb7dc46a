namespace EdgeCluster.Silo;

public static class HealthEndpoints
{
    /// <summary><c>/health</c>: the process answers; <c>/ready</c>: this silo is an active member of the cluster.</summary>
    public static void MapHealthEndpoints(this WebApplication app)
    {
        app.MapGet("/health", () => Results.Text("ok"));
        app.MapGet("/ready", (IClusterMembershipService membership, ILocalSiloDetails silo) =>
            membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress) == SiloStatus.Active
                ? Results.Text("ready")
                : Results.Text("starting", statusCode: StatusCodes.Status503ServiceUnavailable));
    }
}
