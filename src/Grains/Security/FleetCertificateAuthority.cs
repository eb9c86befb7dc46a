using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeCluster.Grains.Security;

/// <summary>
/// A fleet's own certificate authority: a self-signed root that signs one certificate per device and per client
/// (ECDSA P-256, usable for both ends of a connection). Written as PEM files, keys readable by their owner only.
/// </summary>
public sealed class FleetCertificateAuthority : IDisposable
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    private static readonly TimeSpan Backdate = TimeSpan.FromMinutes(5);

    private readonly ECDsa _key;

    private FleetCertificateAuthority(X509Certificate2 certificate, ECDsa key)
    {
        Certificate = certificate;
        _key = key;
    }

    public X509Certificate2 Certificate { get; }

    public static FleetCertificateAuthority Create(string name, TimeSpan validity)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={name}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var now = DateTimeOffset.UtcNow;
        return new FleetCertificateAuthority(request.CreateSelfSigned(now - Backdate, now + validity), key);
    }

    public static FleetCertificateAuthority Load(string certificatePath, string keyPath)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(keyPath));
        return new FleetCertificateAuthority(X509Certificate2.CreateFromPem(File.ReadAllText(certificatePath)), key);
    }

    /// <summary>A certificate for <paramref name="name"/> signed by this authority, with its private key.</summary>
    public X509Certificate2 Issue(string name, TimeSpan validity)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={name}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(ServerAuthentication), new Oid(ClientAuthentication)],
            critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var now = DateTimeOffset.UtcNow;
        var notAfter = now + validity < Certificate.NotAfter ? now + validity : Certificate.NotAfter;
        var signer = X509SignatureGenerator.CreateForECDsa(_key);
        using var issued = request.Create(Certificate.SubjectName, signer, now - Backdate, notAfter, RandomNumberGenerator.GetBytes(16));
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>Writes the authority's certificate and key.</summary>
    public void Save(string certificatePath, string keyPath) => Write(certificatePath, Certificate.ExportCertificatePem(), keyPath, _key.ExportPkcs8PrivateKeyPem());

    /// <summary>Writes an issued certificate and its key.</summary>
    public static void Save(X509Certificate2 certificate, string certificatePath, string keyPath)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var key = certificate.GetECDsaPrivateKey() ?? throw new ArgumentException("The certificate has no ECDSA private key.", nameof(certificate));
        Write(certificatePath, certificate.ExportCertificatePem(), keyPath, key.ExportPkcs8PrivateKeyPem());
    }

    public void Dispose()
    {
        Certificate.Dispose();
        _key.Dispose();
    }

    private static void Write(string certificatePath, string certificatePem, string keyPath, string keyPem)
    {
        File.WriteAllText(certificatePath, certificatePem);
        File.WriteAllText(keyPath, "");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.WriteAllText(keyPath, keyPem);
    }
}
