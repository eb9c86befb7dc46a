using EdgeCluster.Grains.Failover;
using EdgeCluster.Grains.Interfaces.Models;
using EdgeCluster.Grains.Storage;

namespace EdgeCluster.Grains.Models;

/// <summary>
/// Keeps a second copy of every model blob on another device's store, and fetches a blob back from whichever
/// device still holds it when the blob's home silo died: model bytes survive the loss of any single device.
/// </summary>
public static class BlobReplicas
{
    /// <summary>Copies the stored blob to one other active device, chosen by the hash so copies spread over the fleet.</summary>
    public static async Task<string?> ReplicateAsync(IGrainFactory grains, IClusterMembershipService membership, LocalModelStore store, string self, string sha256)
    {
        var others = membership.ActiveDevices().Where(d => d != self).Order(StringComparer.Ordinal).ToArray();
        if (others.Length == 0)
        {
            return null;
        }

        var target = others[(int)(Convert.ToUInt32(sha256[..8], 16) % (uint)others.Length)];
        var replica = grains.GetGrain<IDeviceModelStoreGrain>(IDeviceModelStoreGrain.KeyFor(target));
        if (await replica.GetLengthAsync(sha256) >= 0)
        {
            return target;
        }

        await using var file = File.OpenRead(store.PathFor(sha256));
        var buffer = new byte[ModelTransfer.ChunkBytes];
        for (long offset = 0; offset < file.Length; offset += ModelTransfer.ChunkBytes)
        {
            var count = await file.ReadAtLeastAsync(buffer, (int)Math.Min(ModelTransfer.ChunkBytes, file.Length - offset));
            await replica.WriteChunkAsync(sha256, offset, buffer[..count], file.Length);
        }

        return await replica.CompleteAsync(sha256) ? target : null;
    }

    /// <summary>Finds <paramref name="sha256"/> on another active device and stores it here; false when no device holds it.</summary>
    public static async Task<bool> RecoverAsync(IGrainFactory grains, IClusterMembershipService membership, LocalModelStore store, string self, string sha256)
    {
        foreach (var device in membership.ActiveDevices().Where(d => d != self).Order(StringComparer.Ordinal))
        {
            var source = grains.GetGrain<IDeviceModelStoreGrain>(IDeviceModelStoreGrain.KeyFor(device));
            long length;
            try
            {
                length = await source.GetLengthAsync(sha256);
            }
            catch (Exception exception) when (DeviceFailures.IsTransport(exception))
            {
                continue;
            }

            if (length < 0)
            {
                continue;
            }

            var content = new byte[length];
            for (long offset = 0; offset < length; offset += ModelTransfer.ChunkBytes)
            {
                var chunk = await source.ReadChunkAsync(sha256, offset, (int)Math.Min(ModelTransfer.ChunkBytes, length - offset));
                chunk.CopyTo(content, offset);
            }

            if (ModelBlobTransfer.Sha256Hex(content) == sha256)
            {
                await store.WriteAsync(sha256, content);
                return true;
            }
        }

        return false;
    }
}
