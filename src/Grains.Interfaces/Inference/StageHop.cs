namespace EdgeCluster.Grains.Interfaces.Inference;

/// <summary>What one stage did for one request: where it ran, how long its shard computed, bytes in and out.</summary>
[GenerateSerializer, Immutable, Alias("edgecluster.stage-hop")]
public sealed record StageHop(
    [property: Id(0)] int Stage,
    [property: Id(1)] string Device,
    [property: Id(2)] double Milliseconds,
    [property: Id(3)] long BytesIn,
    [property: Id(4)] long BytesOut)
{
    /// <summary>Rows of the batch the stage ran this request in (its own included); 1 when it ran alone.</summary>
    [Id(5)]
    public int BatchRows { get; init; } = 1;
}
