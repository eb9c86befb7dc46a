using EdgeCluster.Client.Telemetry;
using EdgeCluster.Grains.Inference;
using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Grains.Interfaces.Devices;
using EdgeCluster.Grains.Interfaces.Inference;
using EdgeCluster.Grains.Interfaces.Models;
using EdgeCluster.Grains.Security;
using EdgeCluster.Grains.Transfer.Link;
using EdgeCluster.Onnx.Tensors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Serialization;

namespace EdgeCluster.Client.Connection;

/// <summary>The .NET client of an EdgeCluster fleet over Orleans grain interfaces.</summary>
public sealed class EdgeClusterClient : IAsyncDisposable
{
    private readonly IHost _host;

    private readonly ActivationLinkStaging _link;

    private EdgeClusterClient(IHost host, ActivationLinkOptions link, FleetCredentials? tls)
    {
        _host = host;
        Grains = host.Services.GetRequiredService<IClusterClient>();
        _link = new ActivationLinkStaging(Grains, host.Services.GetRequiredService<Serializer>(), link, ClientSource, tls: tls);
    }

    /// <summary>How this client appears as the source of link traffic; never a device id.</summary>
    public const string ClientSource = "client";

    public IClusterClient Grains { get; }

    public static async Task<EdgeClusterClient> ConnectAsync(EdgeClusterClientOptions options, CancellationToken cancellationToken = default)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddFilter(level => level >= LogLevel.Error);
        builder.AddEdgeClusterClientTelemetry();
        builder.UseOrleansClient(client =>
        {
            if (options.ClusteringConnectionString is { } database)
            {
                // Gateways from the PostgreSQL membership table: the client follows the fleet as devices come and go.
                client.UseAdoNetClustering(adoNet =>
                {
                    adoNet.Invariant = "Npgsql";
                    adoNet.ConnectionString = database;
                });
            }
            else
            {
                client.UseStaticClustering([.. options.Gateways]);
            }
            client.Configure<ClusterOptions>(cluster =>
            {
                cluster.ClusterId = options.ClusterId;
                cluster.ServiceId = options.ServiceId;
            });
            client.Configure<ClientMessagingOptions>(messaging => messaging.ResponseTimeout = options.ResponseTimeout);
            client.AddActivityPropagation();
            if (options.Tls is { } tls)
            {
                client.UseTls(tls.Certificate, tls.Configure);
            }
        });
        var host = builder.Build();
        using var connecting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        connecting.CancelAfter(options.ConnectTimeout);
        try
        {
            await host.StartAsync(connecting.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            host.Dispose();
            var encryption = options.Tls is null
                ? "this client does not use TLS; a fleet that does accepts only clients with a certificate of its authority"
                : "this client uses TLS; check that the fleet does, and that its authority signed this client's certificate";
            throw new TimeoutException(
                $"No gateway of cluster '{options.ClusterId}' accepted this client within {options.ConnectTimeout.TotalSeconds:0.#} s "
                + $"(gateways: {(options.ClusteringConnectionString is null ? string.Join(", ", options.Gateways) : "from the membership table")}); {encryption}.");
        }

        return new EdgeClusterClient(host, options.ActivationLink.WithCallTimeout(options.ResponseTimeout), options.Tls);
    }

    /// <summary>Uploads <paramref name="content"/> in chunks and registers it as <paramref name="name"/>.</summary>
    public async Task<ModelInfo> RegisterModelAsync(string name, byte[] content, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        var sha = await ModelBlobTransfer.UploadAsync(Grains, content, progress, cancellationToken);
        return await Grains.GetGrain<IModelRegistryGrain>(IModelRegistryGrain.Key).RegisterAsync(name, sha);
    }

    public Task<DeploymentStatus> DeployAsync(string deployment, DeploymentSpec spec) =>
        Grains.GetGrain<IDeploymentGrain>(deployment).DeployAsync(spec);

    public Task<DeploymentStatus> GetDeploymentAsync(string deployment) =>
        Grains.GetGrain<IDeploymentGrain>(deployment).GetStatusAsync();

    public Task<string[]> ListDeploymentsAsync() =>
        Grains.GetGrain<IDeploymentCatalogGrain>(IDeploymentCatalogGrain.Key).ListAsync();

    public Task<DeviceInfo[]> ListDevicesAsync() =>
        Grains.GetGrain<IDeviceRegistryGrain>(IDeviceRegistryGrain.Key).ListAsync();

    public Task<ModelInfo[]> ListModelsAsync() =>
        Grains.GetGrain<IModelRegistryGrain>(IModelRegistryGrain.Key).ListAsync();

    /// <summary>
    /// Runs <paramref name="deployment"/> on <paramref name="inputs"/> entering at <paramref name="originDevice"/>,
    /// where stage 0 runs. Connect through that device's gateway so the input reaches no other silo.
    /// </summary>
    public Task<InferenceResult> InferAsync(
        string deployment, string originDevice, IReadOnlyList<NamedTensor> inputs, IReadOnlyList<string>? outputNames = null, string? requestId = null)
    {
        var request = new InferenceRequest(
            requestId ?? Guid.NewGuid().ToString("N"),
            deployment,
            originDevice,
            inputs.Select(t => t.ToPayload()).ToArray(),
            outputNames?.ToArray() ?? []);
        return InferenceCall.InvokeAsync(Grains, request, _link);
    }

    /// <summary>Bytes of the named tensors that devices other than <paramref name="originDevice"/> received for a request, as each device counted them.</summary>
    public async Task<long> BytesOffDeviceAsync(string requestId, string originDevice, IReadOnlyCollection<string> tensorNames)
    {
        var devices = await ListDevicesAsync();
        var received = await Task.WhenAll(devices
            .Where(d => d.DeviceId != originDevice)
            .Select(d => Grains.GetGrain<IDeviceTrafficGrain>(DeviceGrainKey.Create(d.DeviceId, "traffic")).GetReceivedAsync(requestId)));
        return received.SelectMany(r => r).Where(t => tensorNames.Contains(t.TensorName)).Sum(t => t.Bytes);
    }

    public async ValueTask DisposeAsync()
    {
        await _link.DisposeAsync();
        await _host.StopAsync();
        _host.Dispose();
    }
}
