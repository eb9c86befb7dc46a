using EdgeCluster.Grains.Security;

namespace EdgeCluster.Grains.Tests.Security;

/// <summary>Only certificates the fleet's authority signed are trusted, and unusable TLS files are refused naming the file.</summary>
public sealed class FleetCredentialsTests : IDisposable
{
    private static readonly TimeSpan Validity = IssuedCertificates.Validity;

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("edgecluster-tls-tests-");
    private readonly FleetCertificateAuthority _authority = FleetCertificateAuthority.Create("fleet A", Validity);
    private readonly FleetCertificateAuthority _foreign = FleetCertificateAuthority.Create("fleet B", Validity);

    [Fact]
    public void A_certificate_the_authority_issued_loads_and_peers_it_issued_are_trusted()
    {
        using var credentials = FleetCredentials.Load(Issue(_authority, "device-1"));
        using var peer = _authority.Issue("device-2", Validity);

        Assert.Equal("CN=device-1", credentials.Certificate.Subject);
        Assert.True(credentials.Certificate.HasPrivateKey);
        Assert.True(credentials.IsSignedByAuthority(peer));
    }

    [Fact]
    public void Another_fleets_certificate_a_self_signed_one_and_none_are_refused()
    {
        using var credentials = FleetCredentials.Load(Issue(_authority, "device-1"));
        using var foreign = _foreign.Issue("device-2", Validity);

        Assert.False(credentials.IsSignedByAuthority(foreign));
        Assert.False(credentials.IsSignedByAuthority(_foreign.Certificate));
        Assert.False(credentials.IsSignedByAuthority(null));
    }

    [Fact]
    public void A_certificate_from_another_authority_is_refused_at_load_naming_both()
    {
        var options = Issue(_foreign, "device-1");
        options.AuthorityPath = Issue(_authority, "unused").AuthorityPath;

        var error = Assert.Throws<FleetTlsException>(() => FleetCredentials.Load(options));

        Assert.Equal(
            $"The TLS certificate '{options.CertificatePath}' (CN=device-1) is not signed by the fleet authority '{options.AuthorityPath}' (CN=fleet A); peers would refuse it.",
            error.Message);
    }

    [Fact]
    public void A_missing_file_is_refused_naming_its_setting()
    {
        var options = Issue(_authority, "device-1");
        options.KeyPath = Path.Combine(_folder.FullName, "absent.key");

        var error = Assert.Throws<FleetTlsException>(() => FleetCredentials.Load(options));

        Assert.Equal($"EdgeCluster:Tls:KeyPath names '{options.KeyPath}', which does not exist.", error.Message);
    }

    [Fact]
    public void An_authority_alone_is_refused_because_tls_needs_the_devices_own_certificate()
    {
        var options = new FleetTlsOptions { AuthorityPath = Issue(_authority, "device-1").AuthorityPath };

        var error = Assert.Throws<FleetTlsException>(() => FleetCredentials.Load(options));

        Assert.True(options.Enabled);
        Assert.Equal("EdgeCluster:Tls:CertificatePath must name a file: TLS is on once any EdgeCluster:Tls setting is given.", error.Message);
    }

    [Fact]
    public void A_key_that_is_not_the_certificates_is_refused_naming_the_certificate()
    {
        var options = Issue(_authority, "device-1");
        options.KeyPath = Issue(_authority, "device-2").KeyPath;

        var error = Assert.Throws<FleetTlsException>(() => FleetCredentials.Load(options));

        Assert.StartsWith($"'{options.CertificatePath}' could not be read as a TLS certificate or key:", error.Message);
    }

    public void Dispose()
    {
        _authority.Dispose();
        _foreign.Dispose();
        _folder.Delete(recursive: true);
    }

    private FleetTlsOptions Issue(FleetCertificateAuthority authority, string name) => IssuedCertificates.Write(_folder.FullName, authority, name);
}
