using System.Buffers.Binary;
using System.Globalization;
using Orleans.Serialization;
using Orleans.Storage;

namespace EdgeCluster.Grains.Failover;

/// <summary>
/// Fleet-wide grain state in files under one folder, for development fleets whose silos all run on one machine:
/// losing any silo (or all of them) keeps deployments and registries, as PostgreSQL does for real fleets.
/// Each state is one file (an 8-byte version, then Orleans' binary form of the state) replaced atomically on
/// write; the version is the ETag, so a stale activation's write fails instead of overwriting newer state.
/// </summary>
/// <remarks>Hand-written: Orleans ships no file-system storage provider, and a development fleet has no database.</remarks>
public sealed class FileGrainStorage(string directory, Serializer serializer) : IGrainStorage
{
    private const int VersionBytes = sizeof(long);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        byte[] content;
        try
        {
            content = await File.ReadAllBytesAsync(path);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        if (content.Length < VersionBytes)
        {
            throw new InvalidDataException($"Grain state file '{path}' is truncated ({content.Length} bytes).");
        }

        grainState.State = serializer.Deserialize<T>(content.AsMemory(VersionBytes));
        grainState.ETag = BinaryPrimitives.ReadInt64LittleEndian(content).ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        var version = await CheckVersionAsync(path, grainState.ETag, grainId) + 1;
        var body = serializer.SerializeToArray(grainState.State);
        var content = new byte[VersionBytes + body.Length];
        BinaryPrimitives.WriteInt64LittleEndian(content, version);
        body.CopyTo(content.AsSpan(VersionBytes));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        await File.WriteAllBytesAsync(temporary, content);
        File.Move(temporary, path, overwrite: true);
        grainState.ETag = version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        await CheckVersionAsync(path, grainState.ETag, grainId);
        File.Delete(path);
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    private static async Task<long> CheckVersionAsync(string path, string? etag, GrainId grainId)
    {
        long stored;
        try
        {
            await using var file = File.OpenRead(path);
            var prefix = new byte[VersionBytes];
            await file.ReadExactlyAsync(prefix);
            stored = BinaryPrimitives.ReadInt64LittleEndian(prefix);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            stored = 0;
        }

        var expected = etag is null ? 0 : long.Parse(etag, CultureInfo.InvariantCulture);
        if (stored != expected)
        {
            throw new InconsistentStateException(
                $"State of {grainId} was written elsewhere (stored version {stored}, this activation has {expected}).", stored.ToString(CultureInfo.InvariantCulture), etag ?? "none");
        }

        return stored;
    }

    private string PathOf(string stateName, GrainId grainId) =>
        Path.Combine(directory, Uri.EscapeDataString(stateName), Uri.EscapeDataString(grainId.ToString()) + ".bin");
}
