using EdgeCluster.Client.Connection;
using EdgeCluster.Client.Fleet;
using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Grains.Interfaces.Devices;
using EdgeCluster.Grains.Interfaces.Inference;
using EdgeCluster.Grains.Interfaces.Tensors;
using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Client.Bench;

/// <summary>
/// A local fleet in its own temporary home (under EDGECLUSTER_HOME/bench) with a client that enters through device-1, the origin of
/// every benchmark request. Disposing stops exactly its silo processes and deletes the folder.
/// </summary>
public sealed class BenchFleet : IAsyncDisposable
{
    public const string Origin = "device-1";

    /// <summary>The folder under EDGECLUSTER_HOME that holds the benchmark's temporary fleet homes.</summary>
    public const string Folder = "bench";

    private static readonly TimeSpan DeployTimeout = TimeSpan.FromMinutes(2);

    private readonly FleetLauncher _launcher;

    private BenchFleet(FleetLauncher launcher, FleetState state, EdgeClusterClient client)
    {
        _launcher = launcher;
        State = state;
        Client = client;
    }

    public FleetState State { get; }

    public EdgeClusterClient Client { get; }

    public static async Task<BenchFleet> StartAsync(int silos, FleetLaunchOptions options, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        // A home of its own under EDGECLUSTER_HOME: never touches the user's fleet, and a fleet left by a killed run is found there.
        var home = Path.Combine(EdgeClusterHome.Resolve(), Folder, Guid.NewGuid().ToString("N")[..12]);
        var launcher = new FleetLauncher(home);
        try
        {
            var state = await launcher.UpAsync(silos, options, progress, cancellationToken);
            var client = await EdgeClusterClient.ConnectAsync(state.ClientOptions([state.Silo(Origin)]), cancellationToken);
            return new BenchFleet(launcher, state, client);
        }
        catch
        {
            await launcher.DownAsync();
            TryDelete(home);
            throw;
        }
    }

    public string[] Devices(int count) => State.Silos.Take(count).Select(s => s.Device).ToArray();

    public async Task DeployAsync(string deployment, string model, int stages, TensorEncoding codec = TensorEncoding.None, StageBatching? batching = null)
    {
        var status = await Client.DeployAsync(deployment, new DeploymentSpec(model, stages, Devices(stages)) { Codec = codec, Batching = batching });
        var deadline = DateTimeOffset.UtcNow + DeployTimeout;
        while (status.State == DeploymentState.Deploying && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(100);
            status = await Client.GetDeploymentAsync(deployment);
        }

        if (status.State != DeploymentState.Ready)
        {
            throw new EdgeClusterCliException($"Deployment {deployment} is {status.State}: {status.Error}");
        }
    }

    public Task<InferenceResult> InferAsync(string deployment, IReadOnlyList<NamedTensor> inputs, string? requestId = null) =>
        Client.InferAsync(deployment, Origin, inputs, requestId: requestId);

    /// <summary>Tensor bytes each device received for a request, as that device's incoming-call filter counted them, by device.</summary>
    public async Task<IReadOnlyDictionary<string, long>> ReceivedBytesAsync(string requestId)
    {
        var received = await Task.WhenAll(State.Silos.Select(s =>
            Client.Grains.GetGrain<IDeviceTrafficGrain>(DeviceGrainKey.Create(s.Device, "traffic")).GetReceivedAsync(requestId)));
        return State.Silos.Select((s, i) => (s.Device, Bytes: received[i].Sum(t => t.Bytes))).ToDictionary(x => x.Device, x => x.Bytes);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Client.DisposeAsync();
        }
        finally
        {
            await _launcher.DownAsync();
            TryDelete(_launcher.Home);
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A silo that was killed may still hold a log open for a moment; the next run's folder is a new one.
        }
    }
}
