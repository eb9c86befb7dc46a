using EdgeCluster.Grains.Hosting;
using EdgeCluster.Grains.Interfaces.Devices;
using EdgeCluster.Grains.Transfer.Link;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeCluster.Grains.Devices;

/// <summary>Announces this silo's device to the registry once the silo is active, and withdraws it on a graceful stop.</summary>
public sealed partial class DeviceRegistration(
    IGrainFactory grains,
    ILocalSiloDetails silo,
    IOptions<DeviceOptions> options,
    ActivationLinkListener link,
    ILogger<DeviceRegistration> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(DeviceRegistration), ServiceLifecycleStage.Active, RegisterAsync, UnregisterAsync);

    public DeviceInfo Describe()
    {
        var device = options.Value;
        var speed = device.RelativeSpeed > 0 ? device.RelativeSpeed : DeviceSpeedProbe.Measure(TimeSpan.FromMilliseconds(150));
        var memory = device.MemoryBytes > 0 ? device.MemoryBytes : GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return new DeviceInfo(
            silo.Name,
            silo.SiloAddress.ToParsableString(),
            silo.GatewayAddress?.Endpoint.ToString(),
            device.HttpEndpoint,
            Environment.ProcessId,
            device.Labels,
            device.EffectiveCores,
            memory,
            speed,
            DateTimeOffset.UtcNow,
            device.GrpcEndpoint)
        {
            ActivationLink = link.Endpoint,
        };
    }

    private async Task RegisterAsync(CancellationToken cancellationToken)
    {
        var info = Describe();
        await grains.GetGrain<IDeviceRegistryGrain>(IDeviceRegistryGrain.Key).RegisterAsync(info);
        LogRegistered(logger, info.DeviceId, info.SiloAddress, info.RelativeSpeed);
    }

    private async Task UnregisterAsync(CancellationToken cancellationToken)
    {
        try
        {
            await grains.GetGrain<IDeviceRegistryGrain>(IDeviceRegistryGrain.Key).UnregisterAsync(silo.Name);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The registry drops devices whose silo left anyway; a failed goodbye only delays that.
            LogUnregisterFailed(logger, silo.Name, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Device {DeviceId} registered (silo {Silo}, relative speed {Speed})")]
    private static partial void LogRegistered(ILogger logger, string deviceId, string silo, double speed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device {DeviceId} could not unregister")]
    private static partial void LogUnregisterFailed(ILogger logger, string deviceId, Exception exception);
}
