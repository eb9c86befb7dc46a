using System.Collections.Concurrent;
using System.Diagnostics;
using EdgeCluster.Grains.Interfaces.Devices;

namespace EdgeCluster.Grains.Transfer.Link;

/// <summary>
/// Which HOST:PORT each device's activation link listens on, read from the device registry and kept; a device
/// not known yet makes it read the registry again, at most once per <see cref="RefreshInterval"/>.
/// </summary>
public sealed class ActivationLinkDirectory(IGrainFactory grains)
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private ConcurrentDictionary<string, string> _endpoints = new(StringComparer.Ordinal);
    private long _refreshedAt;

    /// <summary>The link endpoint of <paramref name="device"/>, or null when it has none (disabled, or an older silo).</summary>
    public async ValueTask<string?> FindAsync(string device)
    {
        if (_endpoints.TryGetValue(device, out var endpoint))
        {
            return endpoint;
        }

        if (_refreshedAt != 0 && Stopwatch.GetElapsedTime(_refreshedAt) < RefreshInterval)
        {
            return null;
        }

        await _refreshing.WaitAsync();
        try
        {
            if (_refreshedAt == 0 || Stopwatch.GetElapsedTime(_refreshedAt) >= RefreshInterval)
            {
                var devices = await grains.GetGrain<IDeviceRegistryGrain>(IDeviceRegistryGrain.Key).ListAsync();
                _endpoints = new ConcurrentDictionary<string, string>(
                    devices.Where(d => d.ActivationLink is not null).Select(d => KeyValuePair.Create(d.DeviceId, d.ActivationLink!)),
                    StringComparer.Ordinal);
                _refreshedAt = Stopwatch.GetTimestamp();
            }
        }
        finally
        {
            _refreshing.Release();
        }

        return _endpoints.GetValueOrDefault(device);
    }

    /// <summary>Forgets <paramref name="device"/>'s endpoint, so the next lookup reads the registry (its silo may have restarted elsewhere).</summary>
    public void Forget(string device) => _endpoints.TryRemove(device, out _);
}
