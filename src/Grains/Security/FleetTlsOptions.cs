namespace EdgeCluster.Grains.Security;

/// <summary>
/// Encrypted, mutually authenticated connections between the fleet's silos and clients (section <c>EdgeCluster:Tls</c>):
/// Orleans messages and the activation link both run over TLS 1.3 once any of these is set (and then all it needs must be).
/// </summary>
public sealed class FleetTlsOptions
{
    public const string Section = "EdgeCluster:Tls";

    /// <summary>This device's (or client's) certificate: a PEM file (its key in <see cref="KeyPath"/> or in the same file) or a PKCS#12 file.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key of <see cref="CertificatePath"/>; null when that file holds its key.</summary>
    public string? KeyPath { get; set; }

    /// <summary>The fleet's authority (PEM): every peer's certificate must be signed by it, and nothing else is trusted.</summary>
    public string? AuthorityPath { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(CertificatePath) || !string.IsNullOrWhiteSpace(AuthorityPath) || !string.IsNullOrWhiteSpace(KeyPath);
}
