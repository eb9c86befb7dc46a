using EdgeCluster.Grains.Interfaces.Tensors;

namespace EdgeCluster.Grains.Interfaces.Inference;

/// <summary>
/// One shard's ONNX Runtime session on one device. Key: <see cref="Devices.DeviceGrainKey.Create"/>(device, shard SHA-256).
/// </summary>
[Alias("edgecluster.IModelShardGrain")]
public interface IModelShardGrain : IGrainWithStringKey
{
    /// <summary>Fetches the shard into the device's model store (if absent) and opens its session.</summary>
    [Alias("load")]
    Task<ShardLoadInfo> EnsureLoadedAsync();

    /// <summary>Runs the shard on <paramref name="inputs"/>, returning <paramref name="outputNames"/>.</summary>
    [Alias("run")]
    Task<ShardRunResult> RunAsync(TensorPayload[] inputs, string[] outputNames);

    /// <summary>Closes the session and lets the grain go once its runs in flight are done; a later call loads it again.</summary>
    [Alias("unload")]
    Task UnloadAsync();

    static string KeyFor(string device, string shardSha256) => Devices.DeviceGrainKey.Create(device, shardSha256);
}

[GenerateSerializer, Immutable, Alias("edgecluster.shard-load-info")]
public sealed record ShardLoadInfo(
    [property: Id(0)] string DeviceId,
    [property: Id(1)] string Sha256,
    [property: Id(2)] long Bytes,
    [property: Id(3)] bool FetchedFromRegistry,
    [property: Id(4)] double LoadMilliseconds);

[GenerateSerializer, Immutable, Alias("edgecluster.shard-run-result")]
public sealed record ShardRunResult(
    [property: Id(0)] TensorPayload[] Outputs,
    [property: Id(1)] double ComputeMilliseconds)
{
    /// <summary>Rows of the batch this run was part of; 1 when it ran alone.</summary>
    [Id(2)]
    public int BatchRows { get; init; } = 1;
}
