using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace EdgeCluster.Grains.Security;

/// <summary>
/// A silo's or client's identity in a fleet that encrypts its connections: its own certificate with private key, and the
/// fleet's authority, whose signature on a peer's certificate is the only thing trusted. Host names are not checked:
/// devices are reached by address, and the authority's signature is what makes a peer part of the fleet.
/// </summary>
public sealed class FleetCredentials : IDisposable
{
    private FleetCredentials(X509Certificate2 certificate, X509Certificate2 authority)
    {
        Certificate = certificate;
        Authority = authority;
    }

    public X509Certificate2 Certificate { get; }

    public X509Certificate2 Authority { get; }

    /// <summary>Loads the files <paramref name="options"/> names; throws <see cref="FleetTlsException"/> naming the file and the problem.</summary>
    public static FleetCredentials Load(FleetTlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var certificatePath = Existing(options.CertificatePath, nameof(FleetTlsOptions.CertificatePath));
        var authorityPath = Existing(options.AuthorityPath, nameof(FleetTlsOptions.AuthorityPath));
        var keyPath = string.IsNullOrWhiteSpace(options.KeyPath) ? null : Existing(options.KeyPath, nameof(FleetTlsOptions.KeyPath));

        var authority = Read(authorityPath, () => X509Certificate2.CreateFromPem(File.ReadAllText(authorityPath)));
        var certificate = Read(certificatePath, () => LoadWithKey(certificatePath, keyPath));
        var credentials = new FleetCredentials(certificate, authority);
        if (!certificate.HasPrivateKey)
        {
            credentials.Dispose();
            throw new FleetTlsException($"The TLS certificate '{certificatePath}' has no private key; set {Setting(nameof(FleetTlsOptions.KeyPath))} to its PEM key file.");
        }

        if (!credentials.IsSignedByAuthority(certificate))
        {
            var problem = $"The TLS certificate '{certificatePath}' ({certificate.Subject}) is not signed by the fleet authority '{authorityPath}' ({authority.Subject}); peers would refuse it.";
            credentials.Dispose();
            throw new FleetTlsException(problem);
        }

        return credentials;
    }

    /// <summary>True when <paramref name="remote"/> chains to the fleet authority, and to nothing else.</summary>
    public bool IsSignedByAuthority(X509Certificate? remote)
    {
        if (remote is null)
        {
            return false;
        }

        using var owned = remote as X509Certificate2 is null ? X509CertificateLoader.LoadCertificate(remote.GetRawCertData()) : null;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(owned ?? (X509Certificate2)remote)
            && chain.ChainElements[^1].Certificate.RawDataMemory.Span.SequenceEqual(Authority.RawDataMemory.Span);
    }

    /// <summary>TLS as the accepting side of a connection: the peer must present a certificate the authority signed.</summary>
    public SslServerAuthenticationOptions ServerOptions() => new()
    {
        ServerCertificate = Certificate,
        ClientCertificateRequired = true,
        RemoteCertificateValidationCallback = (_, remote, _, _) => IsSignedByAuthority(remote),
        EnabledSslProtocols = SslProtocols.Tls13,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,

        // No session tickets: an idle connection must have nothing to read unless its peer closed it.
        AllowTlsResume = false,
    };

    /// <summary>TLS as the connecting side: this certificate is presented, and the peer's must be signed by the authority.</summary>
    public SslClientAuthenticationOptions ClientOptions(string targetHost) => new()
    {
        TargetHost = targetHost,
        LocalCertificateSelectionCallback = (_, _, _, _, _) => Certificate,
        RemoteCertificateValidationCallback = (_, remote, _, _) => IsSignedByAuthority(remote),
        EnabledSslProtocols = SslProtocols.Tls13,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
    };

    /// <summary>The same rules for Orleans' connections (silo to silo, client to gateway).</summary>
    public void Configure(TlsOptions tls)
    {
        ArgumentNullException.ThrowIfNull(tls);
        tls.LocalCertificate = Certificate;
        tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.SslProtocols = SslProtocols.Tls13;
        tls.CheckCertificateRevocation = false;
        tls.RemoteCertificateValidation = (remote, _, _) => IsSignedByAuthority(remote);
    }

    public void Dispose()
    {
        Certificate.Dispose();
        Authority.Dispose();
    }

    private static X509Certificate2 LoadWithKey(string certificatePath, string? keyPath)
    {
        if (keyPath is not null)
        {
            return X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        }

        var extension = Path.GetExtension(certificatePath);
        return extension.Equals(".pfx", StringComparison.OrdinalIgnoreCase) || extension.Equals(".p12", StringComparison.OrdinalIgnoreCase)
            ? X509CertificateLoader.LoadPkcs12FromFile(certificatePath, password: null)
            : X509Certificate2.CreateFromPemFile(certificatePath);
    }

    private static X509Certificate2 Read(string path, Func<X509Certificate2> load)
    {
        try
        {
            return load();
        }
        catch (Exception exception) when (exception is CryptographicException or ArgumentException)
        {
            throw new FleetTlsException($"'{path}' could not be read as a TLS certificate or key: {exception.Message}", exception);
        }
    }

    private static string Existing(string? path, string setting)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new FleetTlsException($"{Setting(setting)} must name a file: TLS is on once any {FleetTlsOptions.Section} setting is given.");
        }

        return File.Exists(path) ? path : throw new FleetTlsException($"{Setting(setting)} names '{path}', which does not exist.");
    }

    private static string Setting(string name) => $"{FleetTlsOptions.Section}:{name}";
}
