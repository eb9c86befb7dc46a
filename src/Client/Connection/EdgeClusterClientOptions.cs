using System.Net;
using EdgeCluster.Grains.Security;
using EdgeCluster.Grains.Transfer.Link;

namespace EdgeCluster.Client.Connection;

/// <summary>Where the cluster is: gateway endpoints of the silos to talk through, and the cluster's identity.</summary>
public sealed record EdgeClusterClientOptions(IReadOnlyList<IPEndPoint> Gateways, string ClusterId, string ServiceId)
{
    public const string DefaultServiceId = "edgecluster";

    /// <summary>How long connecting may take before it fails (a gateway that refuses this client is otherwise retried for ever).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Long calls such as a deployment (partitioning plus shipping every shard) wait this long.</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>PostgreSQL connection string of a fleet on ADO.NET clustering: gateways come from its membership table instead of <see cref="Gateways"/>.</summary>
    public string? ClusteringConnectionString { get; init; }

    /// <summary>
    /// Large input tensors go to the origin device's activation link instead of through the gateway's Orleans connection;
    /// when the link cannot be reached they go through the gateway after all.
    /// </summary>
    public ActivationLinkOptions ActivationLink { get; init; } = new();

    /// <summary>This client's certificate and the fleet's authority when the fleet runs over TLS; null for a fleet that does not encrypt.</summary>
    public FleetCredentials? Tls { get; init; }

    public static IPEndPoint ParseEndpoint(string value) =>
        IPEndPoint.TryParse(value, out var endpoint)
            ? endpoint
            : throw new EdgeClusterCliException($"'{value}' is not a HOST:PORT endpoint.");
}
