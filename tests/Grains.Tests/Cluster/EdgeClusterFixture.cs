using EdgeCluster.Grains.Hosting;
using EdgeCluster.Grains.Inference;
using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Grains.Interfaces.Devices;
using EdgeCluster.Grains.Interfaces.Inference;
using EdgeCluster.Grains.Interfaces.Models;
using EdgeCluster.Grains.Interfaces.Tensors;
using EdgeCluster.Onnx.Runtime;
using EdgeCluster.Onnx.SampleModels;
using EdgeCluster.Onnx.Tensors;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace EdgeCluster.Grains.Tests.Cluster;

/// <summary>
/// Three in-process silos configured like EdgeCluster devices (device id == silo name), each with its own
/// model store under one temp folder, plus ResNet18 registered and deployed in three stages, one per device.
/// </summary>
public class EdgeClusterFixture : IAsyncLifetime
{
    public const string ResNet18Deployment = "resnet18";

    private readonly string _storeRoot = Path.Combine(Path.GetTempPath(), "edgecluster-grains-tests-" + Guid.NewGuid().ToString("N"));
    private InProcessTestCluster? _cluster;
    private ShardSession? _resNet18;

    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not deployed.");

    public IClusterClient Client => Cluster.Client;

    /// <summary>The silo names in start order; they are the device ids.</summary>
    public IReadOnlyList<string> DeviceIds { get; private set; } = [];

    public byte[] ResNet18Bytes { get; private set; } = [];

    /// <summary>The whole ResNet18 in this process: the reference every split run is compared with.</summary>
    public ShardSession ResNet18Session => _resNet18 ?? throw new InvalidOperationException("The fixture is not initialized.");

    /// <summary>The route of <see cref="ResNet18Deployment"/>: stage i on <see cref="DeviceIds"/>[i].</summary>
    public DeploymentRoute ResNet18Route { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(3);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSiloHost((silo, host) => host.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{ModelStoreOptions.Section}:Path"] = Path.Combine(_storeRoot, silo.SiloName),

            // A fixed speed skips the start-up probe and keeps the planner's split the same on every run.
            [$"{DeviceOptions.Section}:RelativeSpeed"] = "1",
        }.Concat(SiloSettings)));
        builder.ConfigureSilo((_, silo) => silo.AddActivityPropagation().AddEdgeClusterGrains());
        builder.ConfigureClient(client => client.AddActivityPropagation());
        _cluster = builder.Build();
        await _cluster.DeployAsync();
        DeviceIds = _cluster.Silos.Select(s => s.Name).ToArray();
        await WaitForDevicesAsync();

        ResNet18Bytes = await File.ReadAllBytesAsync(ResNet18.ModelPath);
        _resNet18 = new ShardSession(ResNet18Bytes);
        await RegisterAsync(ResNet18Deployment, ResNet18Bytes);
        var status = await DeployAsync(ResNet18Deployment, new DeploymentSpec(ResNet18Deployment, 3, [.. DeviceIds]));
        ResNet18Route = status.Route!;
    }

    public async Task DisposeAsync()
    {
        _resNet18?.Dispose();
        if (_cluster is not null)
        {
            await _cluster.StopAllSilosAsync();
            await _cluster.DisposeAsync();
        }

        if (Directory.Exists(_storeRoot))
        {
            Directory.Delete(_storeRoot, recursive: true);
        }
    }

    /// <summary>A service of the silo of <paramref name="device"/>.</summary>
    public T SiloService<T>(string device)
        where T : notnull =>
        Cluster.Silos.Single(s => s.Name == device).SiloHost.Services.GetRequiredService<T>();

    /// <summary>Configuration every silo gets on top of the fixture's own.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> SiloSettings => [];

    public async Task<ModelInfo> RegisterAsync(string name, byte[] content)
    {
        var sha = await ModelBlobTransfer.UploadAsync(Client, content);
        return await Client.GetGrain<IModelRegistryGrain>(IModelRegistryGrain.Key).RegisterAsync(name, sha);
    }

    public Task<DeploymentStatus> DeployAsync(string deployment, DeploymentSpec spec) =>
        Client.GetGrain<IDeploymentGrain>(deployment).DeployAsync(spec);

    /// <summary>Sends a request to stage 0 of <paramref name="deployment"/> on <paramref name="origin"/>, as a device holding the input would.</summary>
    public Task<InferenceResult> InferAsync(
        string deployment, string origin, IEnumerable<TensorPayload> inputs, string[]? outputNames = null, string? requestId = null)
    {
        var request = new InferenceRequest(requestId ?? Guid.NewGuid().ToString("N"), deployment, origin, [.. inputs], outputNames ?? []);
        return Client.GetGrain<IPipelineStageGrain>(IPipelineStageGrain.KeyFor(origin, deployment, 0)).InferAsync(request);
    }

    public Task<InferenceResult> InferAsync(string deployment, string origin, IEnumerable<NamedTensor> inputs) =>
        InferAsync(deployment, origin, inputs.Select(t => t.ToPayload()));

    public NamedTensor ResNet18Input(int seed) => DeterministicInputs.Create(ResNet18Session.Inputs, seed)[0];

    /// <summary>What each device's traffic grain counted for <paramref name="requestId"/>.</summary>
    public async Task<IReadOnlyDictionary<string, TensorTraffic[]>> TrafficAsync(string requestId)
    {
        var received = await Task.WhenAll(DeviceIds.Select(device =>
            Client.GetGrain<IDeviceTrafficGrain>(DeviceGrainKey.Create(device, "traffic")).GetReceivedAsync(requestId)));
        return DeviceIds.Zip(received).ToDictionary(pair => pair.First, pair => pair.Second, StringComparer.Ordinal);
    }

    /// <summary>Proves the cluster still serves: one ResNet18 inference at stage 0's device matches the whole model.</summary>
    public async Task AssertServesResNet18Async()
    {
        var input = ResNet18Input(seed: 11);
        var result = await InferAsync(ResNet18Deployment, DeviceIds[0], [input]);
        var actual = Assert.Single(result.Outputs).ToNamedTensor();
        Assert.InRange(TensorComparison.MaxAbsDiff(ResNet18Session.Run([input])[0], actual), 0, 1e-5);
    }

    private async Task WaitForDevicesAsync()
    {
        // Silos register as they become active; the registry filters by its own membership view, which can lag a moment.
        var registry = Client.GetGrain<IDeviceRegistryGrain>(IDeviceRegistryGrain.Key);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while ((await registry.ListAsync()).Length < DeviceIds.Count)
        {
            await Task.Delay(100, deadline.Token);
        }
    }
}
