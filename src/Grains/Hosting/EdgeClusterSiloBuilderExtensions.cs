using EdgeCluster.Grains.Compute;
using EdgeCluster.Grains.Devices;
using EdgeCluster.Grains.Failover;
using EdgeCluster.Grains.Inference;
using EdgeCluster.Grains.Placement;
using EdgeCluster.Grains.Storage;
using EdgeCluster.Grains.Transfer;
using EdgeCluster.Grains.Transfer.Link;
using EdgeCluster.Onnx.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Serialization;

namespace EdgeCluster.Grains.Hosting;

public static class EdgeClusterSiloBuilderExtensions
{
    /// <summary>Everything a silo needs to act as an EdgeCluster device: placement, model store, traffic ledger, registration.</summary>
    public static ISiloBuilder AddEdgeClusterGrains(this ISiloBuilder silo)
    {
        // One process-wide ONNX Runtime thread pool: per-session pools spin after Run and starve the other stages.
        OnnxRuntimeEnvironment.EnsureInitialized();

        var services = silo.Services;
        services.AddOptions<DeviceOptions>().BindConfiguration(DeviceOptions.Section);
        services.AddOptions<ModelStoreOptions>().BindConfiguration(ModelStoreOptions.Section);
        services.AddOptions<ComputeOptions>().BindConfiguration(ComputeOptions.Section);
        services.AddSingleton<ShardComputeQueue>();
        services.AddSingleton<OpenShardSessions>();
        services.AddSingleton<StageRunners>();
        services.AddSingleton<OriginAnswers>();
        services.AddOptions<ActivationTransferOptions>().BindConfiguration(ActivationTransferOptions.Section);
        services.AddSingleton<ActivationAssembler>();
        services.AddOptions<ActivationLinkOptions>().BindConfiguration(ActivationLinkOptions.Section);
        services.AddSingleton<ActivationInbox>();
        services.TryAddSingleton(ActivationLinkSecurity.Plain);
        services.AddSingleton<ActivationLinkListener>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<ActivationLinkListener>());
        services.AddSingleton<ActivationLinkCallHandler>();
        services.AddSingleton(sp => new ActivationLinkStaging(
            sp.GetRequiredService<IGrainFactory>(),
            sp.GetRequiredService<Serializer>(),
            sp.GetRequiredService<IOptions<ActivationLinkOptions>>().Value,
            sp.GetRequiredService<ILocalSiloDetails>().Name,
            sp.GetRequiredService<IClusterMembershipService>().IsActive,
            resumeOnReceiveThread: true,
            sp.GetRequiredService<ActivationLinkSecurity>().Credentials));
        services.AddSingleton<LocalModelStore>();
        services.AddSingleton<TensorTrafficLedger>();
        services.AddSingleton<DeviceRegistration>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<DeviceRegistration>());
        silo.AddIncomingGrainCallFilter<TensorTrafficCallFilter>();
        silo.Services.AddPlacementDirector<DevicePlacement, DevicePlacementDirector>();
        silo.AddEdgeClusterFailover();
        return silo;
    }
}
