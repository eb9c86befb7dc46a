using System.Globalization;
using EdgeCluster.Client.Connection;
using EdgeCluster.Client.Fleet;
using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Onnx.Runtime;
using EdgeCluster.Onnx.SampleModels;
using EdgeCluster.Onnx.Tensors;
using EdgeCluster.Silo.Protocol;
using EdgeCluster.Silo.Protocol.V2;
using Grpc.Net.Client;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeCluster.Silo.Tests.Protocol;

/// <summary>
/// Three silo processes from <see cref="FleetLauncher"/> in a temporary EDGECLUSTER_HOME, with ResNet18 in
/// three stages and small models deployed, plus the whole-model answers to compare with. Stopped on dispose.
/// </summary>
public sealed class ProtocolFleetFixture : IAsyncLifetime
{
    public const string ResNet = "resnet18";
    public const string TwoBranch = "two-branch";
    public const string Typed = "typed";
    public const string Half = "half";

    /// <summary>Deployed once, then redeployed onto a device that does not exist: catalogued but failed.</summary>
    public const string Broken = "broken";

    /// <summary>
    /// The silos get half the default limit: oversize requests stay cheap to send, yet one just over it is
    /// larger than Kestrel's default 30 MB body limit, which the endpoints must lift for the check to be ours.
    /// </summary>
    public const long MaxRequestBytes = 32L * 1024 * 1024;

    private const string MaxRequestBytesVariable = "EdgeCluster__InferenceProtocol__MaxRequestBytes";

    private readonly string _home = Directory.CreateTempSubdirectory("edgecluster-protocol-").FullName;
    private readonly Dictionary<string, GrpcChannel> _channels = new(StringComparer.Ordinal);
    private FleetLauncher? _launcher;

    public FleetState Fleet { get; private set; } = null!;

    public EdgeClusterClient Cluster { get; private set; } = null!;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromMinutes(2) };

    /// <summary>ResNet18's input (seed 7) and the whole model's output on it, run in this process.</summary>
    public NamedTensor ResNetInput { get; private set; } = null!;

    public NamedTensor ResNetExpected { get; private set; } = null!;

    /// <summary>The two-branch model's inputs (seed 3) and its whole-model outputs by name.</summary>
    public IReadOnlyList<NamedTensor> TwoBranchInputs { get; private set; } = null!;

    public IReadOnlyDictionary<string, NamedTensor> TwoBranchExpected { get; private set; } = null!;

    public string Device(int index) => Fleet.Silos[index].Device;

    public Uri HttpEndpoint(int index) => new(Fleet.Silos[index].Http);

    public Uri GrpcEndpoint(int index) => new("http://" + Fleet.Silos[index].Grpc);

    /// <summary>The generated gRPC client of silo <paramref name="index"/>'s endpoint.</summary>
    public GRPCInferenceService.GRPCInferenceServiceClient Grpc(int index)
    {
        var silo = Fleet.Silos[index];
        if (!_channels.TryGetValue(silo.Device, out var channel))
        {
            channel = GrpcChannel.ForAddress(GrpcEndpoint(index), new GrpcChannelOptions { MaxReceiveMessageSize = null });
            _channels[silo.Device] = channel;
        }

        return new GRPCInferenceService.GRPCInferenceServiceClient(channel);
    }

    public async Task InitializeAsync()
    {
        try
        {
            _launcher = new FleetLauncher(_home);
            Fleet = await StartFleetAsync(_launcher);
            Cluster = await EdgeClusterClient.ConnectAsync(new EdgeClusterClientOptions(
                Fleet.Silos.Select(s => EdgeClusterClientOptions.ParseEndpoint(s.Gateway)).ToArray(), Fleet.ClusterId, Fleet.ServiceId));

            var devices = Fleet.Silos.Select(s => s.Device).ToArray();
            var resnet = await File.ReadAllBytesAsync(ResNet18.ModelPath);
            var twoBranch = TwoBranchModel.Build();
            await DeployAsync(ResNet, resnet, 3, devices);
            await DeployAsync(TwoBranch, twoBranch, 2, devices[1..]);
            await DeployAsync(Typed, TestModels.Identities(TestModels.TypedTypes), 1, [devices[2]]);
            await DeployAsync(Half, TestModels.Identities([TensorElementType.Float16]), 1, [devices[1]]);
            await DeployAsync(Broken, twoBranch, 2, devices[..2]);
            await Assert.ThrowsAsync<EdgeClusterException>(() => Cluster.DeployAsync(Broken, new DeploymentSpec(Broken, 2, ["no-such-device"])));

            using (var whole = new ShardSession(resnet))
            {
                ResNetInput = DeterministicInputs.Create(whole.Inputs, seed: 7)[0];
                ResNetExpected = whole.Run([ResNetInput])[0];
            }

            using (var whole = new ShardSession(twoBranch))
            {
                TwoBranchInputs = DeterministicInputs.Create(whole.Inputs, seed: 3);
                TwoBranchExpected = whole.Run(TwoBranchInputs).ToDictionary(t => t.Name);
            }
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }

        _channels.Clear();
        Http.Dispose();
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }

        if (_launcher is not null)
        {
            await _launcher.DownAsync();
            _launcher = null;
        }

        if (Directory.Exists(_home))
        {
            Directory.Delete(_home, recursive: true);
        }
    }

    private static async Task<FleetState> StartFleetAsync(FleetLauncher launcher)
    {
        // Silo processes inherit this process's environment, which is how the fleet gets the test's limit.
        var previous = Environment.GetEnvironmentVariable(MaxRequestBytesVariable);
        Environment.SetEnvironmentVariable(MaxRequestBytesVariable, MaxRequestBytes.ToString(CultureInfo.InvariantCulture));
        try
        {
            return await launcher.UpAsync(3);
        }
        finally
        {
            Environment.SetEnvironmentVariable(MaxRequestBytesVariable, previous);
        }
    }

    private async Task DeployAsync(string name, byte[] model, int stages, string[] devices)
    {
        await Cluster.RegisterModelAsync(name, model);
        var status = await Cluster.DeployAsync(name, new DeploymentSpec(name, stages, devices));
        Assert.Equal(DeploymentState.Ready, status.State);
    }
}

[CollectionDefinition(Name)]
public sealed class ProtocolFleetCollection : ICollectionFixture<ProtocolFleetFixture>
{
    public const string Name = "protocol fleet";
}
