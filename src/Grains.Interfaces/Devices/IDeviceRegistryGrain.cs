namespace EdgeCluster.Grains.Interfaces.Devices;

/// <summary>Which devices are in the fleet (one activation, key <see cref="Key"/>).</summary>
[Alias("edgecluster.IDeviceRegistryGrain")]
public interface IDeviceRegistryGrain : IGrainWithStringKey
{
    const string Key = "fleet";

    /// <summary>Adds or refreshes a device; called by each silo when it starts.</summary>
    [Alias("register")]
    Task RegisterAsync(DeviceInfo device);

    /// <summary>Removes a device; called by a silo that stops gracefully.</summary>
    [Alias("unregister")]
    Task UnregisterAsync(string deviceId);

    /// <summary>Devices whose silo is currently active, by device id.</summary>
    [Alias("list")]
    Task<DeviceInfo[]> ListAsync();
}
