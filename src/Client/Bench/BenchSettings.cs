namespace EdgeCluster.Client.Bench;

/// <summary>How long <c>bench</c> measures each figure.</summary>
/// <param name="Runs">Timed requests per latency figure (the median is reported).</param>
/// <param name="WarmupRuns">Untimed requests before them, per deployment.</param>
/// <param name="ThroughputSeconds">Length of each closed-loop throughput window.</param>
/// <param name="Concurrency">Requests in flight in the pipeline's closed loop.</param>
public sealed record BenchSettings(int Runs, int WarmupRuns, double ThroughputSeconds, int Concurrency, bool Quick)
{
    public const int MaxStages = 4;

    public static BenchSettings Full { get; } = new(21, 3, 10, 4, false);

    public static BenchSettings QuickRun { get; } = new(3, 1, 2, 4, true);
}
