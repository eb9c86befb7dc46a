using EdgeCluster.Grains.Interfaces.Devices;

namespace EdgeCluster.Grains.Devices;

/// <summary>
/// Devices as their silos announced them, filtered by live membership so that a silo that died
/// without unregistering drops out as soon as the cluster declares it dead. The list is rebuilt from
/// the devices themselves: an active silo the registry has not heard from (because the silo that held
/// the registry died, or the device restarted) is asked to describe itself.
/// </summary>
public sealed class DeviceRegistryGrain(IClusterMembershipService membership) : Grain, IDeviceRegistryGrain
{
    private readonly Dictionary<string, DeviceInfo> _devices = new(StringComparer.Ordinal);

    // Silos that said goodbye are not asked to describe themselves again.
    private readonly HashSet<string> _withdrawn = new(StringComparer.Ordinal);

    public Task RegisterAsync(DeviceInfo device)
    {
        _devices[device.DeviceId] = device;
        _withdrawn.Remove(device.SiloAddress);
        return Task.CompletedTask;
    }

    public Task UnregisterAsync(string deviceId)
    {
        if (_devices.Remove(deviceId, out var device))
        {
            _withdrawn.Add(device.SiloAddress);
        }

        return Task.CompletedTask;
    }

    public async Task<DeviceInfo[]> ListAsync()
    {
        var active = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active && m.Name is not null)
            .ToDictionary(m => m.SiloAddress.ToParsableString(), m => m.Name!, StringComparer.Ordinal);
        var unknown = active
            .Where(pair => !_withdrawn.Contains(pair.Key) && !(_devices.TryGetValue(pair.Value, out var known) && known.SiloAddress == pair.Key))
            .Select(pair => pair.Value)
            .ToArray();
        if (unknown.Length > 0)
        {
            await Task.WhenAll(unknown.Select(AskAsync));
        }

        return _devices.Values
            .Where(d => active.ContainsKey(d.SiloAddress))
            .OrderBy(d => d.DeviceId, StringComparer.Ordinal)
            .ToArray();
    }

    private async Task AskAsync(string deviceId)
    {
        try
        {
            var device = await GrainFactory.GetGrain<IDeviceDescriptionGrain>(IDeviceDescriptionGrain.KeyFor(deviceId)).DescribeAsync();
            _devices[device.DeviceId] = device;
        }
        catch (Exception exception) when (Failover.DeviceFailures.IsTransport(exception) || exception is Interfaces.Errors.EdgeClusterException)
        {
            // The device left while we asked; the next listing no longer sees it as active.
        }
    }
}
