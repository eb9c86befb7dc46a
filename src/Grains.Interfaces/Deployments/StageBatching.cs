namespace EdgeCluster.Grains.Interfaces.Deployments;

/// <summary>
/// Dynamic batching of a stage, as in Triton: requests that reach the stage while it is busy, or within
/// <paramref name="MaxWaitMilliseconds"/> of the first, run as one batch of at most <paramref name="MaxBatchSize"/> rows
/// (axis 0). With no wait, only requests that queue up behind a busy device share a batch, so a lone request is never delayed.
/// </summary>
[GenerateSerializer, Immutable, Alias("edgecluster.stage-batching")]
public sealed record StageBatching(
    [property: Id(0)] int MaxBatchSize,
    [property: Id(1)] double MaxWaitMilliseconds)
{
    /// <summary>Limits a caller can ask for: beyond them a batch holds more memory or waits longer than any edge stage should.</summary>
    public const int MaxBatchSizeLimit = 256;

    public const double MaxWaitLimitMilliseconds = 1000;

    /// <summary>Null when usable; otherwise what is wrong, naming the value.</summary>
    public string? Problem() =>
        MaxBatchSize is < 2 or > MaxBatchSizeLimit ? $"max batch size {MaxBatchSize} is outside 2..{MaxBatchSizeLimit}"
        : double.IsNaN(MaxWaitMilliseconds) || MaxWaitMilliseconds is < 0 or > MaxWaitLimitMilliseconds ? $"max batch wait {MaxWaitMilliseconds} ms is outside 0..{MaxWaitLimitMilliseconds} ms"
        : null;
}
