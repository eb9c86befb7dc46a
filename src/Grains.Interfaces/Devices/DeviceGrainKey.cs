namespace EdgeCluster.Grains.Interfaces.Devices;

/// <summary>
/// Keys of grains pinned to one device: "DEVICE/rest". The device placement director reads the
/// device from the key, so the key alone decides where the activation lives.
/// </summary>
public static class DeviceGrainKey
{
    public const char Separator = '/';

    public static string Create(string deviceId, string rest)
    {
        if (string.IsNullOrWhiteSpace(deviceId) || deviceId.Contains(Separator, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Device id '{deviceId}' is empty or contains '{Separator}'.", nameof(deviceId));
        }

        return deviceId + Separator + rest;
    }

    public static string DeviceOf(string key)
    {
        var end = key.IndexOf(Separator, StringComparison.Ordinal);
        return end > 0 ? key[..end] : key;
    }
}
