using EdgeCluster.Grains.Interfaces.Devices;

namespace EdgeCluster.Grains.Devices;

/// <summary>
/// Devices as their silos announced them, filtered by live membership so that a silo that died
/// without unregistering drops out as soon as the cluster declares it dead.
/// </summary>
public sealed class DeviceRegistryGrain(IClusterMembershipService membership) : Grain, IDeviceRegistryGrain
{
    private readonly Dictionary<string, DeviceInfo> _devices = new(StringComparer.Ordinal);

    public Task RegisterAsync(DeviceInfo device)
    {
        _devices[device.DeviceId] = device;
        return Task.CompletedTask;
    }

    public Task UnregisterAsync(string deviceId)
    {
        _devices.Remove(deviceId);
        return Task.CompletedTask;
    }

    public Task<DeviceInfo[]> ListAsync()
    {
        var active = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active)
            .Select(m => m.SiloAddress.ToParsableString())
            .ToHashSet(StringComparer.Ordinal);
        var live = _devices.Values
            .Where(d => active.Contains(d.SiloAddress))
            .OrderBy(d => d.DeviceId, StringComparer.Ordinal)
            .ToArray();
        return Task.FromResult(live);
    }
}
