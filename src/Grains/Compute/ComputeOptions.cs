namespace EdgeCluster.Grains.Compute;

/// <summary>How a device runs its shards (section <c>EdgeCluster:Compute</c>).</summary>
public sealed class ComputeOptions
{
    public const string Section = "EdgeCluster:Compute";

    /// <summary>
    /// Shard runs that execute at once, each on its own dedicated thread. 0 means the device's cores divided by
    /// ONNX Runtime's intra-op threads (at least 1): one run already keeps that many cores busy.
    /// </summary>
    public int Slots { get; set; }

    /// <summary>Shard runs that may wait for a slot; further callers wait to enqueue (back-pressure up the pipeline).</summary>
    public int QueueCapacity { get; set; } = 64;
}
