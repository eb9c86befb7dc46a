using EdgeCluster.Grains.Security;

namespace EdgeCluster.Client.Fleet;

/// <summary>
/// The certificates of a local fleet that runs over TLS, in one folder of its home: the fleet's authority, one
/// certificate per device (issued when the device first starts) and one for the CLI's clients.
/// </summary>
public sealed class FleetTlsFolder(string path)
{
    private const string AuthorityName = "authority";
    private const string ClientName = "client";
    private static readonly TimeSpan Validity = TimeSpan.FromDays(365);

    public string Path { get; } = path;

    public string AuthorityCertificate => Certificate(AuthorityName);

    /// <summary>A new authority and the clients' certificate; certificates of an earlier fleet in the folder are deleted.</summary>
    public static FleetTlsFolder Create(string path, string fleetId)
    {
        var folder = new FleetTlsFolder(path);
        folder.Delete();
        Directory.CreateDirectory(path);
        using var authority = FleetCertificateAuthority.Create($"EdgeCluster fleet {fleetId}", Validity);
        authority.Save(folder.AuthorityCertificate, folder.Key(AuthorityName));
        folder.Issue(authority, ClientName);
        return folder;
    }

    /// <summary>The settings a silo of <paramref name="device"/> runs TLS with, issuing its certificate first if it has none.</summary>
    public IReadOnlyDictionary<string, string> DeviceSettings(string device)
    {
        if (!File.Exists(Certificate(device)))
        {
            using var authority = FleetCertificateAuthority.Load(AuthorityCertificate, Key(AuthorityName));
            Issue(authority, device);
        }

        return new Dictionary<string, string>
        {
            [Variable(nameof(FleetTlsOptions.CertificatePath))] = Certificate(device),
            [Variable(nameof(FleetTlsOptions.KeyPath))] = Key(device),
            [Variable(nameof(FleetTlsOptions.AuthorityPath))] = AuthorityCertificate,
        };
    }

    /// <summary>The credentials the CLI's clients present.</summary>
    public FleetCredentials ClientCredentials() => FleetCredentials.Load(new FleetTlsOptions
    {
        CertificatePath = Certificate(ClientName),
        KeyPath = Key(ClientName),
        AuthorityPath = AuthorityCertificate,
    });

    /// <summary>Deletes the folder with every key in it.</summary>
    public void Delete()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }

    private void Issue(FleetCertificateAuthority authority, string name)
    {
        using var certificate = authority.Issue(name, Validity);
        FleetCertificateAuthority.Save(certificate, Certificate(name), Key(name));
    }

    private string Certificate(string name) => System.IO.Path.Combine(Path, name + ".pem");

    private string Key(string name) => System.IO.Path.Combine(Path, name + ".key");

    private static string Variable(string setting) => $"{FleetTlsOptions.Section.Replace(":", "__", StringComparison.Ordinal)}__{setting}";
}
