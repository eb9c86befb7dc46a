using System.Globalization;
using EdgeCluster.Client.Fleet;
using Npgsql;

namespace EdgeCluster.Client.Database;

/// <summary>
/// A throw-away PostgreSQL server: <c>initdb</c> into a temporary folder (as the <c>postgres</c> user when running as
/// root, which initdb refuses), <c>pg_ctl</c> on a free port, durability off for speed; stopped and deleted on dispose.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly string _binaries;

    private PrivatePostgres(string binaries, string dataDirectory, int port, string host)
    {
        _binaries = binaries;
        DataDirectory = dataDirectory;
        Port = port;
        Host = host;
    }

    public string DataDirectory { get; }

    public int Port { get; }

    /// <summary>The address clients use: loopback, or the extra address it listens on (e.g. a test network's bridge).</summary>
    public string Host { get; }

    public string ConnectionString => ConnectionStringFor(Host);

    public string ConnectionStringFor(string host) => new NpgsqlConnectionStringBuilder
    {
        Host = host,
        Port = Port,
        Username = "postgres",
        Database = "postgres",
        Timeout = 5,
        CommandTimeout = 15,
    }.ConnectionString;

    /// <summary>Starts a server listening on 127.0.0.1 and, when given, <paramref name="extraListenAddress"/> (which becomes <see cref="Host"/>).</summary>
    public static async Task<PrivatePostgres> StartAsync(string? extraListenAddress = null, CancellationToken cancellationToken = default)
    {
        var binaries = FindBinaries();
        var data = Directory.CreateTempSubdirectory("edgecluster-pg-").FullName;
        var port = FreePorts.Take(1)[0];
        var server = new PrivatePostgres(binaries, data, port, extraListenAddress ?? "127.0.0.1");
        try
        {
            if (Environment.UserName == "root")
            {
                await RunAsync("chown", ["postgres:postgres", data], cancellationToken);
            }

            await server.RunAsServerUserAsync("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions"], cancellationToken);
            if (extraListenAddress is not null)
            {
                // initdb trusts loopback only; the devices reach the server from the private network's addresses.
                await File.AppendAllTextAsync(
                    Path.Combine(data, "pg_hba.conf"), $"host all all {extraListenAddress}/24 trust{Environment.NewLine}", cancellationToken);
            }

            var listen = extraListenAddress is null ? "127.0.0.1" : $"127.0.0.1,{extraListenAddress}";
            var settings = string.Join(' ',
                $"-p {port.ToString(CultureInfo.InvariantCulture)}", $"-k {data}", $"-c listen_addresses='{listen}'",
                "-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off", "-c max_connections=200");
            await server.RunAsServerUserAsync("pg_ctl", ["-D", data, "-o", settings, "-l", Path.Combine(data, "server.log"), "-w", "-t", "60", "start"], cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            try
            {
                await RunAsServerUserAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "-t", "30", "stop"], CancellationToken.None);
            }
            catch (EdgeClusterCliException)
            {
                // Already stopped: deleting the folder is all that is left.
            }
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private Task RunAsServerUserAsync(string tool, string[] arguments, CancellationToken cancellationToken) =>
        Environment.UserName == "root"
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_binaries, tool), .. arguments], cancellationToken)
            : RunAsync(Path.Combine(_binaries, tool), arguments, cancellationToken);

    private static string FindBinaries()
    {
        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var version) ? version : 0)
                .FirstOrDefault()
            : null;
        return debian ?? throw new EdgeClusterCliException(
            "PostgreSQL server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql; install them with tests/setup/postgresql.sh or 'apt-get install postgresql'.");
    }

    private static Task RunAsync(string fileName, string[] arguments, CancellationToken cancellationToken) =>
        ExternalCommand.RunAsync(fileName, arguments, cancellationToken);
}
