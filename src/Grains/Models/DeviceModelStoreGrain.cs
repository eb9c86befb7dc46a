using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Models;
using EdgeCluster.Grains.Placement;
using EdgeCluster.Grains.Storage;

namespace EdgeCluster.Grains.Models;

/// <summary>This device's model store as other devices see it: replicas are written here and lost blobs read back from here.</summary>
[DevicePlacement, Reentrant]
public sealed class DeviceModelStoreGrain(LocalModelStore store) : Grain, IDeviceModelStoreGrain
{
    public Task<long> GetLengthAsync(string sha256) =>
        Task.FromResult(store.Contains(Checked(sha256)) ? new FileInfo(store.PathFor(sha256)).Length : -1);

    public async Task<byte[]> ReadChunkAsync(string sha256, long offset, int count)
    {
        if (!store.Contains(Checked(sha256)))
        {
            throw EdgeClusterException.NotFound($"Model file {sha256} is not stored on this device.");
        }

        if (count > ModelTransfer.ChunkBytes || offset < 0)
        {
            throw EdgeClusterException.InvalidArgument($"Chunks are at most {ModelTransfer.ChunkBytes} bytes from a non-negative offset; {count} at {offset} were asked for.");
        }

        await using var file = File.OpenRead(store.PathFor(sha256));
        file.Position = offset;
        var buffer = new byte[Math.Max(0, Math.Min(count, file.Length - offset))];
        await file.ReadExactlyAsync(buffer);
        return buffer;
    }

    public async Task WriteChunkAsync(string sha256, long offset, byte[] chunk, long totalLength)
    {
        if (store.Contains(Checked(sha256)))
        {
            return;
        }

        if (chunk.Length > ModelTransfer.ChunkBytes || offset < 0 || offset + chunk.Length > totalLength)
        {
            throw EdgeClusterException.InvalidArgument(
                $"Chunk at offset {offset} with {chunk.Length} bytes does not fit a file of {totalLength} bytes in chunks of at most {ModelTransfer.ChunkBytes}.");
        }

        await using var file = new FileStream(ReplicaPath(sha256), FileMode.OpenOrCreate, FileAccess.Write, FileShare.None);
        if (file.Length != totalLength)
        {
            file.SetLength(totalLength);
        }

        file.Position = offset;
        await file.WriteAsync(chunk);
    }

    public async Task<bool> CompleteAsync(string sha256)
    {
        if (store.Contains(Checked(sha256)))
        {
            return true;
        }

        var path = ReplicaPath(sha256);
        if (!File.Exists(path))
        {
            return false;
        }

        var content = await File.ReadAllBytesAsync(path);
        if (ModelBlobTransfer.Sha256Hex(content) != sha256)
        {
            File.Delete(path);
            return false;
        }

        store.Promote(path, sha256);
        return true;
    }

    // Separate from the blob upload's file name, in case this device also hosts the blob's grain.
    private string ReplicaPath(string sha256) => store.IncomingPathFor(sha256) + ".replica";

    private static string Checked(string sha256) =>
        sha256.Length == 64 && sha256.All(char.IsAsciiHexDigitLower)
            ? sha256
            : throw EdgeClusterException.InvalidArgument($"'{sha256}' is not a lower-case hex SHA-256.");
}
