namespace EdgeCluster.Grains.Interfaces.Models;

/// <summary>
/// One device's folder of content-addressed model files, reachable from other devices: where blob replicas
/// are written and where a blob whose home device died is fetched back from.
/// Key: <see cref="Devices.DeviceGrainKey.Create"/>(device, <see cref="KeySuffix"/>).
/// </summary>
[Alias("edgecluster.IDeviceModelStoreGrain")]
public interface IDeviceModelStoreGrain : IGrainWithStringKey
{
    const string KeySuffix = "model-store";

    /// <summary>Length of the stored, verified file <paramref name="sha256"/>; -1 when this device does not hold it.</summary>
    [Alias("length")]
    Task<long> GetLengthAsync(string sha256);

    /// <summary>Reads up to <paramref name="count"/> bytes (at most <see cref="ModelTransfer.ChunkBytes"/>) from <paramref name="offset"/>.</summary>
    [Alias("read")]
    Task<byte[]> ReadChunkAsync(string sha256, long offset, int count);

    /// <summary>Writes one chunk of a replica; the file becomes visible once <see cref="CompleteAsync"/> verified it.</summary>
    [Alias("write")]
    Task WriteChunkAsync(string sha256, long offset, byte[] chunk, long totalLength);

    /// <summary>Verifies the written replica against its hash and stores it; returns false when it does not match.</summary>
    [Alias("complete")]
    Task<bool> CompleteAsync(string sha256);

    static string KeyFor(string device) => Devices.DeviceGrainKey.Create(device, KeySuffix);
}
