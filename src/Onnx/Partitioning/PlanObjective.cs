namespace EdgeCluster.Onnx.Partitioning;

/// <summary>What the objective planner minimises.</summary>
public enum PlanObjective
{
    /// <summary>The slowest of the stages and links: one request at a time flows at best at this period once the pipeline is full.</summary>
    Throughput = 0,

    /// <summary>One request end to end: every stage's compute plus every link's round trip, transfer and codec time.</summary>
    Latency = 1,
}
