using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using EdgeCluster.Grains.Interfaces.Diagnostics;

namespace EdgeCluster.Grains.Diagnostics;

/// <summary>Bytes of model files each device keeps, observed when a metrics reader collects.</summary>
public static class ModelStoreMetrics
{
    private static readonly ConcurrentDictionary<object, (string Device, Func<long> TotalBytes)> Stores = new();

    public static readonly ObservableGauge<long> Bytes = EdgeClusterDiagnostics.Meter.CreateObservableGauge(
        "edgecluster.model_store.bytes", Observe, "By", "Bytes of model and shard files in a device's model store");

    /// <summary>Reports <paramref name="totalBytes"/> for <paramref name="device"/> until the returned handle is disposed.</summary>
    public static IDisposable Track(string device, Func<long> totalBytes)
    {
        var key = new object();
        Stores[key] = (device, totalBytes);
        return new Registration(key);
    }

    private static IEnumerable<Measurement<long>> Observe()
    {
        foreach (var (device, totalBytes) in Stores.Values)
        {
            long bytes;
            try
            {
                bytes = totalBytes();
            }
            catch (IOException)
            {
                // The folder went away (a test cleaned up, a disk was unmounted): report nothing rather than fail the scrape.
                continue;
            }

            yield return new Measurement<long>(bytes, new KeyValuePair<string, object?>(MetricTags.Device, device));
        }
    }

    private sealed class Registration(object key) : IDisposable
    {
        public void Dispose() => Stores.TryRemove(key, out _);
    }
}
