using System.Diagnostics;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Models;
using EdgeCluster.Grains.Storage;
using Orleans.Placement;

namespace EdgeCluster.Grains.Models;

/// <summary>
/// Model bytes addressed by their SHA-256, assembled from chunks straight into a file of the
/// hosting silo's model store, so a 63 MB model never sits whole in one message or one grain field.
/// A completed blob is copied to a second device; if the hosting silo dies, the blob's next activation
/// fetches it back from a device that still holds it.
/// </summary>
[HashBasedPlacement, CollectionAgeLimit(Days = 7)]
public sealed class ModelBlobGrain(LocalModelStore store, IClusterMembershipService membership, ILocalSiloDetails silo)
    : Grain, IModelBlobGrain
{
    // A blob that no device holds (e.g. a new upload) is looked for again only after this long.
    private static readonly TimeSpan RecoveryRetry = TimeSpan.FromSeconds(5);

    private Task<bool>? _recovery;
    private long _recoveryStartedAt;

    private string Sha256 => this.GetPrimaryKeyString();

    public async Task WriteChunkAsync(long offset, byte[] chunk, long totalLength)
    {
        if (store.Contains(Sha256))
        {
            return;
        }

        if (chunk.Length > ModelTransfer.ChunkBytes || offset < 0 || offset + chunk.Length > totalLength)
        {
            throw EdgeClusterException.InvalidArgument(
                $"Chunk at offset {offset} with {chunk.Length} bytes does not fit a blob of {totalLength} bytes in chunks of at most {ModelTransfer.ChunkBytes}.");
        }

        await using var file = new FileStream(store.IncomingPathFor(Sha256), FileMode.OpenOrCreate, FileAccess.Write, FileShare.None);
        if (file.Length != totalLength)
        {
            file.SetLength(totalLength);
        }

        file.Position = offset;
        await file.WriteAsync(chunk);
    }

    public async Task<long> CompleteAsync()
    {
        if (store.Contains(Sha256))
        {
            return new FileInfo(store.PathFor(Sha256)).Length;
        }

        var incoming = store.IncomingPathFor(Sha256);
        if (!File.Exists(incoming))
        {
            throw new EdgeClusterException(EdgeClusterErrorKind.FailedPrecondition, $"No bytes were uploaded for model blob {Sha256}.");
        }

        var content = await File.ReadAllBytesAsync(incoming);
        var actual = ModelBlobTransfer.Sha256Hex(content);
        if (actual != Sha256)
        {
            File.Delete(incoming);
            throw EdgeClusterException.InvalidArgument(
                $"Upload for model blob {Sha256} is incomplete or corrupted: its {content.Length} bytes hash to {actual}.");
        }

        store.Promote(incoming, Sha256);
        await BlobReplicas.ReplicateAsync(GrainFactory, membership, store, silo.Name, Sha256);
        return content.Length;
    }

    public Task<bool> IsCompleteAsync() => EnsureLocalAsync();

    public async Task<byte[]> ReadChunkAsync(long offset, int count)
    {
        await EnsureCompleteAsync();
        if (count > ModelTransfer.ChunkBytes)
        {
            throw EdgeClusterException.InvalidArgument($"Chunks are at most {ModelTransfer.ChunkBytes} bytes; {count} were asked for.");
        }

        await using var file = File.OpenRead(store.PathFor(Sha256));
        file.Position = offset;
        var buffer = new byte[Math.Max(0, Math.Min(count, file.Length - offset))];
        await file.ReadExactlyAsync(buffer);
        return buffer;
    }

    public async Task<long> GetLengthAsync()
    {
        await EnsureCompleteAsync();
        return new FileInfo(store.PathFor(Sha256)).Length;
    }

    /// <summary>True when the blob is here, fetching it from another device first if this silo does not have it (once per activation).</summary>
    private Task<bool> EnsureLocalAsync()
    {
        if (store.Contains(Sha256))
        {
            return Task.FromResult(true);
        }

        if (_recovery is null || _recovery.IsFaulted || (_recovery.IsCompleted && Stopwatch.GetElapsedTime(_recoveryStartedAt) > RecoveryRetry))
        {
            _recovery = BlobReplicas.RecoverAsync(GrainFactory, membership, store, silo.Name, Sha256);
            _recoveryStartedAt = Stopwatch.GetTimestamp();
        }

        return _recovery;
    }

    private async Task EnsureCompleteAsync()
    {
        if (!await EnsureLocalAsync())
        {
            throw EdgeClusterException.NotFound($"Model blob {Sha256} is not stored on this fleet (upload it first).");
        }
    }
}
