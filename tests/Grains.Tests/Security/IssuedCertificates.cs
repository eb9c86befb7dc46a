using EdgeCluster.Grains.Security;

namespace EdgeCluster.Grains.Tests.Security;

/// <summary>Certificates written as a device would get them: an authority's certificate and one it issued, with the settings that name them.</summary>
public static class IssuedCertificates
{
    public static readonly TimeSpan Validity = TimeSpan.FromDays(1);

    public static FleetTlsOptions Write(string folder, FleetCertificateAuthority authority, string name)
    {
        ArgumentNullException.ThrowIfNull(authority);
        var prefix = Path.Combine(folder, Guid.NewGuid().ToString("N"));
        authority.Save(prefix + "-authority.pem", prefix + "-authority.key");
        using var certificate = authority.Issue(name, Validity);
        FleetCertificateAuthority.Save(certificate, prefix + ".pem", prefix + ".key");
        return new FleetTlsOptions { CertificatePath = prefix + ".pem", KeyPath = prefix + ".key", AuthorityPath = prefix + "-authority.pem" };
    }
}
