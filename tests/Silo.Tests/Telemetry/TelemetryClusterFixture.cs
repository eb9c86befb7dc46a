using System.Diagnostics;
using EdgeCluster.Grains.Hosting;
using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Grains.Interfaces.Devices;
using EdgeCluster.Grains.Interfaces.Inference;
using EdgeCluster.Grains.Interfaces.Models;
using EdgeCluster.Grains.Inference;
using EdgeCluster.Onnx.Runtime;
using EdgeCluster.Onnx.SampleModels;
using EdgeCluster.Onnx.Tensors;
using EdgeCluster.Silo.Telemetry;
using Microsoft.Extensions.Configuration;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Orleans.TestingHost;

namespace EdgeCluster.Silo.Tests.Telemetry;

/// <summary>
/// Three in-process silos as devices <see cref="Devices"/> with activity propagation on, a transformer deployed in
/// three stages (stage i on device i), and an in-memory span exporter listening from before the first silo starts:
/// in-process silos share the process's ActivitySource listeners, so it sees every silo's spans.
/// </summary>
public sealed class TelemetryClusterFixture : IAsyncLifetime
{
    public const string Deployment = "telemetry-transformer";

    // Names no other test cluster in this assembly uses, so measurements on the shared static meter can be told apart.
    public static readonly IReadOnlyList<string> Devices = ["telemetry-1", "telemetry-2", "telemetry-3"];

    private readonly string _storeRoot = Path.Combine(Path.GetTempPath(), "edgecluster-telemetry-tests-" + Guid.NewGuid().ToString("N"));
    private readonly List<Activity> _spans = [];
    private TracerProvider? _tracing;
    private InProcessTestCluster? _cluster;
    private int _silosNamed;

    public IClusterClient Client => (_cluster ?? throw new InvalidOperationException("The cluster is not deployed.")).Client;

    public DeploymentRoute Route { get; private set; } = null!;

    public IReadOnlyList<NamedTensor> Input { get; private set; } = [];

    /// <summary>The model store folder of <paramref name="device"/>.</summary>
    public string StoreOf(string device) => Path.Combine(_storeRoot, device);

    public async Task InitializeAsync()
    {
        _tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(TelemetryNames.TraceSources)
            .AddInMemoryExporter(_spans)
            .Build();

        var builder = new InProcessTestClusterBuilder((short)Devices.Count);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSiloHost((silo, host) =>
        {
            // Silos start in parallel; any order of names will do, each device name once.
            silo.SiloName = Devices[Interlocked.Increment(ref _silosNamed) - 1];
            host.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"{ModelStoreOptions.Section}:Path"] = StoreOf(silo.SiloName),
                [$"{DeviceOptions.Section}:RelativeSpeed"] = "1",
            });
        });
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddActivityPropagation();
            silo.AddEdgeClusterGrains();
        });
        builder.ConfigureClient(client => client.AddActivityPropagation());
        _cluster = builder.Build();
        await _cluster.DeployAsync();
        await WaitForDevicesAsync();

        var model = TransformerModel.Build(blocks: 3);
        var sha = await ModelBlobTransfer.UploadAsync(Client, model);
        await Client.GetGrain<IModelRegistryGrain>(IModelRegistryGrain.Key).RegisterAsync(Deployment, sha);
        var status = await Client.GetGrain<IDeploymentGrain>(Deployment).DeployAsync(new DeploymentSpec(Deployment, Devices.Count, [.. Devices]));
        Route = status.Route ?? throw new InvalidOperationException($"Deployment {Deployment} has no route: {status.Error}");
        using var session = new ShardSession(model);
        Input = DeterministicInputs.Create(session.Inputs, seed: 7);
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.StopAllSilosAsync();
            await _cluster.DisposeAsync();
        }

        _tracing?.Dispose();
        if (Directory.Exists(_storeRoot))
        {
            Directory.Delete(_storeRoot, recursive: true);
        }
    }

    public InferenceRequest NewRequest() =>
        new(Guid.NewGuid().ToString("N"), Deployment, Route.Stages[0].DeviceId, Input.Select(t => t.ToPayload()).ToArray(), []);

    /// <summary>Exported spans that match <paramref name="predicate"/>, waiting until there is at least one.</summary>
    public async Task<IReadOnlyList<Activity>> SpansAsync(Func<Activity, bool> predicate)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var found = Exported().Where(predicate).ToList();
            if (found.Count > 0)
            {
                return found;
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException("No exported span matched within 30 s.");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// The spans of trace <paramref name="traceId"/> once <paramref name="complete"/> holds for them. A silo ends its
    /// spans as it answers, so the last ones may be exported just after the caller has its result.
    /// </summary>
    public async Task<IReadOnlyList<Activity>> SpansOfTraceAsync(string traceId, Func<IReadOnlyList<Activity>, bool> complete)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var trace = Exported().Where(a => a.TraceId.ToHexString() == traceId).ToList();
            if (complete(trace))
            {
                return trace;
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException(
                    $"Trace {traceId} did not complete within 30 s; it has {trace.Count} spans: {string.Join(", ", trace.Select(a => a.DisplayName))}.");
            }

            await Task.Delay(50);
        }
    }

    // The exporter appends under its own lock; List.ToArray copies without enumerating, so it never throws on a concurrent append.
    private IEnumerable<Activity> Exported() => _spans.ToArray().Where(a => a is not null);

    private async Task WaitForDevicesAsync()
    {
        var deadline = Stopwatch.StartNew();
        var registry = Client.GetGrain<IDeviceRegistryGrain>(IDeviceRegistryGrain.Key);
        while ((await registry.ListAsync()).Length < Devices.Count)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"Devices {string.Join(", ", Devices)} did not all register within 60 s.");
            }

            await Task.Delay(100);
        }
    }
}
