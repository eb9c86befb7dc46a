namespace EdgeCluster.Client.Bench;

/// <summary>How long <c>bench</c> measures each figure.</summary>
/// <param name="Runs">Timed requests per latency figure (the median is reported).</param>
/// <param name="WarmupRuns">Untimed requests before them, per deployment.</param>
/// <param name="ThroughputSeconds">Length of each closed-loop throughput window.</param>
/// <param name="ThroughputRounds">Rounds of throughput windows (pipeline and baselines alternate; the median is reported).</param>
/// <param name="Concurrency">Requests in flight in the pipeline's closed loop.</param>
public sealed record BenchSettings(int Runs, int WarmupRuns, double ThroughputSeconds, int ThroughputRounds, int Concurrency, bool Quick)
{
    public const int MaxStages = 4;

    // 51 rounds: the loopback figures are medians of requests 30-40 ms long on a shared machine, where runs of 21 moved
    // K = 3's ratio by 0.17 between runs of the same code; a round takes about a third of a second. 40 rounds of
    // warm-up: the runtime optimizes a method after 30 calls (60 with its instrumented tier), and a silo compiling in
    // the background takes cores from ONNX Runtime; after 10 rounds a probe still measured K = 3's stages 10-20 %
    // slower than 80 rounds later.
    public static BenchSettings Full { get; } = new(51, 40, 5, 3, 4, false);

    public static BenchSettings QuickRun { get; } = new(3, 1, 2, 1, 4, true);
}
