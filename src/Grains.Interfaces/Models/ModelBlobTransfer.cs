using System.Diagnostics;
using System.Security.Cryptography;
using EdgeCluster.Grains.Interfaces.Diagnostics;

namespace EdgeCluster.Grains.Interfaces.Models;

/// <summary>Moves model bytes into and out of <see cref="IModelBlobGrain"/> one chunk per call.</summary>
public static class ModelBlobTransfer
{
    public static string Sha256Hex(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>Uploads <paramref name="content"/> (skipped when the blob is already complete) and returns its SHA-256.</summary>
    public static async Task<string> UploadAsync(
        IGrainFactory grains, ReadOnlyMemory<byte> content, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        var sha = Sha256Hex(content.Span);
        using var activity = StartTransfer("model.upload", sha, content.Length);
        var blob = grains.GetGrain<IModelBlobGrain>(sha);
        if (await blob.IsCompleteAsync())
        {
            activity?.SetTag("edgecluster.already_stored", true);
            progress?.Report(content.Length);
            return sha;
        }

        for (var offset = 0; offset < content.Length; offset += ModelTransfer.ChunkBytes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(ModelTransfer.ChunkBytes, content.Length - offset);
            await blob.WriteChunkAsync(offset, content.Slice(offset, count).ToArray(), content.Length);
            progress?.Report(offset + count);
        }

        await blob.CompleteAsync();
        return sha;
    }

    /// <summary>Reads the whole verified blob <paramref name="sha256"/>.</summary>
    public static async Task<byte[]> DownloadAsync(IGrainFactory grains, string sha256, CancellationToken cancellationToken = default)
    {
        using var activity = StartTransfer("model.download", sha256, null);
        var blob = grains.GetGrain<IModelBlobGrain>(sha256);
        var length = await blob.GetLengthAsync();
        activity?.SetTag("edgecluster.bytes", length);
        var content = new byte[length];
        for (long offset = 0; offset < length; offset += ModelTransfer.ChunkBytes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var chunk = await blob.ReadChunkAsync(offset, (int)Math.Min(ModelTransfer.ChunkBytes, length - offset));
            chunk.CopyTo(content, offset);
        }

        if (Sha256Hex(content) != sha256)
        {
            activity?.SetStatus(ActivityStatusCode.Error, "content hash mismatch");
            throw new InvalidDataException($"Model blob {sha256} arrived corrupted: its content hashes differently.");
        }

        return content;
    }

    private static Activity? StartTransfer(string name, string sha256, long? bytes)
    {
        var activity = EdgeClusterDiagnostics.ActivitySource.StartActivity(name);
        activity?.SetTag("edgecluster.blob", sha256);
        activity?.SetTag("edgecluster.bytes", bytes);
        activity?.SetTag("edgecluster.chunk_bytes", ModelTransfer.ChunkBytes);
        return activity;
    }
}
