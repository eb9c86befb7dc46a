using EdgeCluster.Client.Connection;
using EdgeCluster.Client.Fleet;

namespace EdgeCluster.Client.Commands;

/// <summary>Connects to the local fleet recorded in EDGECLUSTER_HOME, or to an explicit gateway.</summary>
public static class FleetConnection
{
    public static Task<EdgeClusterClient> ConnectAsync(string? gateway, string? clusterId, string? throughDevice, CancellationToken cancellationToken)
    {
        if (gateway is not null)
        {
            var options = new EdgeClusterClientOptions(
                [EdgeClusterClientOptions.ParseEndpoint(gateway)],
                clusterId ?? throw new EdgeClusterCliException("--gateway needs --cluster-id too."),
                EdgeClusterClientOptions.DefaultServiceId);
            return EdgeClusterClient.ConnectAsync(options, cancellationToken);
        }

        var home = EdgeClusterHome.Resolve();
        var state = FleetState.TryRead(home)
            ?? throw new EdgeClusterCliException($"No local fleet is recorded in {home}; run 'edgecluster fleet up' or pass --gateway and --cluster-id.");

        // Requests carrying raw input go only through their own device's gateway, so no other silo relays them.
        return EdgeClusterClient.ConnectAsync(state.ClientOptions(throughDevice is null ? state.Silos : [state.Silo(throughDevice)]), cancellationToken);
    }
}
