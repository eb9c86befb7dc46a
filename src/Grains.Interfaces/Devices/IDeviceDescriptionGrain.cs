namespace EdgeCluster.Grains.Interfaces.Devices;

/// <summary>
/// A device describing itself, so the registry can rebuild its list from the live silos after the silo that
/// held it died. Key: <see cref="DeviceGrainKey.Create"/>(device, <see cref="KeySuffix"/>).
/// </summary>
[Alias("edgecluster.IDeviceDescriptionGrain")]
public interface IDeviceDescriptionGrain : IGrainWithStringKey
{
    const string KeySuffix = "description";

    [Alias("describe")]
    Task<DeviceInfo> DescribeAsync();

    /// <summary>True once the device began a graceful stop: it finishes its work but takes no new stages.</summary>
    [Alias("draining")]
    Task<bool> IsDrainingAsync();

    static string KeyFor(string device) => DeviceGrainKey.Create(device, KeySuffix);
}
