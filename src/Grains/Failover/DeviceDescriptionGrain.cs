using EdgeCluster.Grains.Devices;
using EdgeCluster.Grains.Interfaces.Devices;
using EdgeCluster.Grains.Placement;

namespace EdgeCluster.Grains.Failover;

/// <summary>This device's description, measured once per activation, for a registry rebuilding its list.</summary>
[DevicePlacement, Reentrant]
public sealed class DeviceDescriptionGrain(DeviceRegistration registration, StageWorkTracker work) : Grain, IDeviceDescriptionGrain
{
    private DeviceInfo? _description;

    public Task<DeviceInfo> DescribeAsync() => Task.FromResult(_description ??= registration.Describe());

    public Task<bool> IsDrainingAsync() => Task.FromResult(work.Draining);
}
