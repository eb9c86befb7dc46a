using EdgeCluster.Grains.Security;

namespace EdgeCluster.Grains.Transfer.Link;

/// <summary>Whether this silo's link runs over TLS, and with which credentials; <see cref="Plain"/> when the fleet does not encrypt.</summary>
public sealed record ActivationLinkSecurity(FleetCredentials? Credentials)
{
    public static ActivationLinkSecurity Plain { get; } = new((FleetCredentials?)null);

    /// <summary>How long a peer may take to complete the TLS handshake before its connection is closed.</summary>
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);
}
