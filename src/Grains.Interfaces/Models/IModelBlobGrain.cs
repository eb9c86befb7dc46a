namespace EdgeCluster.Grains.Interfaces.Models;

/// <summary>Content-addressed model bytes, keyed by the lower-case hex SHA-256 of the content.</summary>
[Alias("edgecluster.IModelBlobGrain")]
public interface IModelBlobGrain : IGrainWithStringKey
{
    /// <summary>Writes one chunk of at most <see cref="ModelTransfer.ChunkBytes"/> at <paramref name="offset"/>.</summary>
    [Alias("write")]
    Task WriteChunkAsync(long offset, byte[] chunk, long totalLength);

    /// <summary>Checks that every byte arrived and the content hashes to the key; returns the length.</summary>
    [Alias("complete")]
    Task<long> CompleteAsync();

    /// <summary>True once the content is complete and verified.</summary>
    [Alias("is-complete")]
    Task<bool> IsCompleteAsync();

    /// <summary>Reads up to <paramref name="count"/> bytes from <paramref name="offset"/> of verified content.</summary>
    [Alias("read")]
    Task<byte[]> ReadChunkAsync(long offset, int count);

    /// <summary>Length of the verified content.</summary>
    [Alias("length")]
    Task<long> GetLengthAsync();
}
