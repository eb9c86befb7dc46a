namespace EdgeCluster.Grains.Interfaces.Deployments;

/// <summary>
/// One stage of a deployed pipeline. A stage's model consumes <paramref name="InputNames"/> from the
/// tensors it receives and produces <paramref name="OutputNames"/>; what moves on to the next stage is
/// <paramref name="ForwardNames"/> (for the last stage: the model's outputs).
/// </summary>
[GenerateSerializer, Immutable, Alias("edgecluster.stage-route")]
public sealed record StageRoute(
    [property: Id(0)] int Index,
    [property: Id(1)] string DeviceId,
    [property: Id(2)] string ShardSha256,
    [property: Id(3)] long ShardBytes,
    [property: Id(4)] string[] InputNames,
    [property: Id(5)] string[] OutputNames,
    [property: Id(6)] string[] ForwardNames,
    [property: Id(7)] int NodeCount,
    [property: Id(8)] double FlopsShare,
    [property: Id(9)] long WeightBytes)
{
    /// <summary>Codec for the float tensors this stage forwards to the next one (None on the last stage).</summary>
    [Id(10)]
    public Tensors.TensorEncoding Codec { get; init; }

    /// <summary>Every device that runs this stage; <see cref="DeviceId"/> is the primary (the first). Empty in routes without replicas.</summary>
    [Id(11)]
    public string[] Replicas { get; init; } = [];

    /// <summary>How this stage batches requests; null when it runs each alone (not asked for, or its shard mixes rows).</summary>
    [Id(12)]
    public StageBatching? Batching { get; init; }

    /// <summary>Why this stage runs each request alone although the deployment asked for batching; null otherwise.</summary>
    [Id(13)]
    public string? BatchingRefused { get; init; }

    /// <summary>The devices of this stage: <see cref="Replicas"/>, or just <see cref="DeviceId"/> when there are none.</summary>
    public string[] Devices => Replicas.Length == 0 ? [DeviceId] : Replicas;
}
