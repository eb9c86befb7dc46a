namespace EdgeCluster.Onnx.Partitioning;

/// <summary>A partition chosen for an objective, with its estimated stage and link times.</summary>
/// <param name="StageSeconds">Estimated compute time of each stage on its device.</param>
/// <param name="Links">One per boundary, in order.</param>
public sealed record ObjectivePlan(PartitionPlan Partition, PlanObjective Objective, IReadOnlyList<double> StageSeconds, IReadOnlyList<LinkPlan> Links)
{
    /// <summary>One request end to end: all stages plus all links.</summary>
    public double LatencySeconds => StageSeconds.Sum() + Links.Sum(l => l.LatencySeconds);

    /// <summary>The busiest stage or link: the period of a full pipeline.</summary>
    public double BottleneckSeconds => Math.Max(StageSeconds.Max(), Links.Count == 0 ? 0 : Links.Max(l => l.OccupancySeconds));

    /// <summary>Requests per second a full pipeline sustains.</summary>
    public double ThroughputPerSecond => 1 / BottleneckSeconds;

    /// <summary>The minimised quantity: <see cref="LatencySeconds"/> or <see cref="BottleneckSeconds"/>.</summary>
    public double Score => Objective == PlanObjective.Latency ? LatencySeconds : BottleneckSeconds;
}
