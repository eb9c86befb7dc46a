using EdgeCluster.Client.Connection;
using EdgeCluster.Client.Database;
using EdgeCluster.Client.Fleet;

namespace EdgeCluster.Client.Load;

/// <summary>
/// A fleet of devices in network namespaces on a private PostgreSQL: the rig, the database (schema applied,
/// fresh cluster id), and the silos. Disposing stops the silos, the database and removes the namespaces,
/// whatever state they are in.
/// </summary>
public sealed class NamespacedFleet : IAsyncDisposable
{
    private NamespacedFleet(NetworkNamespaceRig rig, PrivatePostgres database, FleetLauncher launcher, FleetLaunchOptions options)
    {
        Rig = rig;
        Database = database;
        Launcher = launcher;
        Options = options;
    }

    public NetworkNamespaceRig Rig { get; }

    public PrivatePostgres Database { get; }

    public FleetLauncher Launcher { get; }

    public FleetLaunchOptions Options { get; }

    public FleetState State { get; private set; } = new("", "", "", []);

    public static async Task<NamespacedFleet> StartAsync(
        string home, int devices, bool restartSilos = false, double? rateMbit = null, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var rig = await NetworkNamespaceRig.CreateAsync(devices, rateMbit, cancellationToken);
        PrivatePostgres? database = null;
        NamespacedFleet? fleet = null;
        try
        {
            database = await PrivatePostgres.StartAsync(rig.BridgeAddress, cancellationToken);
            await PostgresSchema.ApplyAsync(database.ConnectionString, cancellationToken);
            progress?.Report($"PostgreSQL on {database.Host}:{database.Port}, rig 10.231.{rig.Subnet}.0/24");
            var options = new FleetLaunchOptions { Database = database.ConnectionString, Rig = rig, RestartSilos = restartSilos };
            fleet = new NamespacedFleet(rig, database, new FleetLauncher(home), options);
            await fleet.Launcher.DownAsync();
            fleet.State = await fleet.Launcher.UpAsync(devices, options, progress, cancellationToken);
            return fleet;
        }
        catch
        {
            if (fleet is not null)
            {
                await fleet.DisposeAsync();
            }
            else
            {
                if (database is not null)
                {
                    await database.DisposeAsync();
                }

                await rig.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>Adds one more device: its namespace, then its silo, and waits until it has joined.</summary>
    public async Task<FleetSilo> JoinAsync(IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        await Rig.AddDeviceAsync(cancellationToken);
        State = await Launcher.JoinAsync(State, Options, progress, cancellationToken);
        return State.Silos[^1];
    }

    /// <summary>A client that talks through <paramref name="device"/>'s gateway only (requests with raw input enter there).</summary>
    public Task<EdgeClusterClient> ConnectAsync(string device, CancellationToken cancellationToken = default) =>
        EdgeClusterClient.ConnectAsync(
            new EdgeClusterClientOptions([EdgeClusterClientOptions.ParseEndpoint(State.Silo(device).Gateway)], State.ClusterId, State.ServiceId),
            cancellationToken);

    /// <summary>Watches <paramref name="device"/>'s gateway, so requests entering there fail promptly if it is lost.</summary>
    public OriginWatch Watch(string device) => new(EdgeClusterClientOptions.ParseEndpoint(State.Silo(device).Gateway));

    /// <summary>SIGKILL: the device's silo dies at once, as in a crash or power loss.</summary>
    public int Kill(string device) => Signal(device, ProcessSignals.ForceKill);

    /// <summary>SIGTERM: the device's silo stops gracefully, draining its stage work first.</summary>
    public int Terminate(string device) => Signal(device, ProcessSignals.Terminate);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Launcher.DownAsync();
        }
        finally
        {
            await Database.DisposeAsync();
            await Rig.DisposeAsync();
        }
    }

    private int Signal(string device, Func<int, bool> send)
    {
        var silo = State.Silo(device);
        var pid = FleetLauncher.SiloProcess(silo) ?? throw new EdgeClusterCliException($"The silo of {device} is not running.");
        send(pid);
        return pid;
    }
}
