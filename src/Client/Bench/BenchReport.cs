namespace EdgeCluster.Client.Bench;

/// <summary>Latency of a K-stage ResNet18 deployment against the whole model in this process.</summary>
/// <param name="ComputeMilliseconds">Median over requests of the stages' ONNX Runtime time summed.</param>
/// <param name="Ratio">Median over rounds of the request's latency over the same round's baseline.</param>
/// <param name="RatioOfMedians">Median latency over median baseline.</param>
public sealed record SplitLatency(int Stages, double Milliseconds, double ComputeMilliseconds, double Ratio, double RatioOfMedians);

/// <summary>What one codec did to a three-stage ResNet18 request.</summary>
/// <param name="LinkBytes">Bytes each stage after the first received, as that device counted them.</param>
public sealed record CodecFigures(string Codec, IReadOnlyList<long> LinkBytes, double MaxAbsDiff, double Cosine, double Milliseconds)
{
    public long BytesPerRequest => LinkBytes.Sum();
}

/// <summary>One cut of a two-stage ResNet18 timed through a rate-limited link.</summary>
/// <param name="Position">The cut's topological position (as <c>deploy --cuts</c> takes it).</param>
/// <param name="Bytes">Bytes crossing the link per request.</param>
/// <param name="Runs">Timed requests behind <paramref name="Milliseconds"/> (their median).</param>
public sealed record ShapedCut(int Position, string AfterNode, long Bytes, double Milliseconds, int Runs);

/// <summary>Every timed cut at one link rate, next to the objective planner's choice from the link as measured live.</summary>
/// <param name="Megabits">The configured tc rate.</param>
/// <param name="MeasuredMegabits">The link bandwidth the probe measured and the planner used.</param>
/// <param name="PlannerEstimateMilliseconds">The planner's own latency estimate for its cut.</param>
/// <param name="PlannerMilliseconds">Measured latency of the planner's cut: from the head-to-head run when there was one.</param>
/// <param name="BestMilliseconds">
/// Latency of the best split: the fastest cut among those timed again (every one that came close in the first pass),
/// as measured head to head against the planner's cut (the faster of the two there), or the planner's own when it was that cut.
/// </param>
public sealed record ShapedLinkFigures(
    double Megabits,
    double MeasuredMegabits,
    double RoundTripMilliseconds,
    int PlannerStages,
    IReadOnlyList<int> PlannerCuts,
    double PlannerEstimateMilliseconds,
    double PlannerMilliseconds,
    double BestMilliseconds,
    string BestSplit,
    IReadOnlyList<ShapedCut> Cuts)
{
    public double Ratio => PlannerMilliseconds / BestMilliseconds;

    /// <summary>The best split's median among the retimed cuts, the figure that picked it.</summary>
    public double FastestRetimedMilliseconds { get; init; }

    /// <summary>Requests behind <see cref="PlannerMilliseconds"/> and <see cref="BestMilliseconds"/>.</summary>
    public int FiguresRuns { get; init; }
}

/// <summary>Everything one <c>bench</c> run measured.</summary>
public sealed record BenchReport(
    BenchSettings Settings,
    double BaselineMilliseconds,
    int BaselineOrtThreads,
    IReadOnlyList<SplitLatency> Splits,
    IReadOnlyList<CodecFigures> Codecs,
    double HopOverheadMilliseconds,
    double HopOneStageMilliseconds,
    double HopTwoStageMilliseconds,
    double PipelineRps,
    BaselineThroughput OneCore,
    BaselineThroughput TwoCoresIntraOp,
    BaselineThroughput TwoCoresTwoRequests,
    IReadOnlyList<ShapedLinkFigures> ShapedLinks,
    IReadOnlyList<string> Notes)
{
    /// <summary>The same pipeline deployed with dynamic batching (at most 4 rows, no wait), in the same windows' rounds.</summary>
    public double PipelineBatchedRps { get; init; }

    /// <summary>Timed requests behind each of the hop's medians (1 and 2 stages), on the loopback fleet and on each TLS bench fleet.</summary>
    public int HopRuns => Settings.Runs * HopModel.PairsPerRound;

    /// <summary>The 1 MiB hop on a plain and on a TLS fleet of two silos, timed in alternation.</summary>
    public TlsHopFigures TlsHop { get; init; } = new(0, 0);

    public double BaselineRpsTwoCores => Math.Max(TwoCoresIntraOp.RequestsPerSecond, TwoCoresTwoRequests.RequestsPerSecond);

    /// <summary>The fields of the <c>--json</c> line; the first ones are the documented summary.</summary>
    public Dictionary<string, object?> ToJson()
    {
        // The summary takes the rate where the planner came off worst against the best measured cut.
        var shapedWorst = ShapedLinks.OrderByDescending(s => s.Ratio).FirstOrDefault();
        return new Dictionary<string, object?>
        {
            ["baseline_ms"] = Statistics.Round(BaselineMilliseconds),
            ["split_latency_ratio"] = Splits.ToDictionary(s => s.Stages.ToString(System.Globalization.CultureInfo.InvariantCulture), s => Statistics.Round(s.Ratio, 4)),
            ["pipeline_rps"] = Statistics.Round(PipelineRps),
            ["baseline_rps_1core"] = Statistics.Round(OneCore.RequestsPerSecond),
            ["baseline_rps_2core"] = Statistics.Round(BaselineRpsTwoCores),
            ["bytes_per_request"] = Codecs.ToDictionary(c => c.Codec, c => c.BytesPerRequest),
            ["int8_cosine"] = Codecs.FirstOrDefault(c => c.Codec == "int8")?.Cosine,
            ["fp16_cosine"] = Codecs.FirstOrDefault(c => c.Codec == "fp16")?.Cosine,
            ["planner_ms"] = shapedWorst is null ? null : Statistics.Round(shapedWorst.PlannerMilliseconds),
            ["best_split_ms"] = shapedWorst is null ? null : Statistics.Round(shapedWorst.BestMilliseconds),
            ["hop_overhead_ms_1mb"] = Statistics.Round(HopOverheadMilliseconds),
            ["split_latency_ms"] = Splits.ToDictionary(s => s.Stages.ToString(System.Globalization.CultureInfo.InvariantCulture), s => Statistics.Round(s.Milliseconds)),
            ["split_latency_ratio_of_medians"] = Splits.ToDictionary(s => s.Stages.ToString(System.Globalization.CultureInfo.InvariantCulture), s => Statistics.Round(s.RatioOfMedians, 4)),
            ["split_compute_ms"] = Splits.ToDictionary(s => s.Stages.ToString(System.Globalization.CultureInfo.InvariantCulture), s => Statistics.Round(s.ComputeMilliseconds)),
            ["link_bytes"] = Codecs.ToDictionary(c => c.Codec, c => c.LinkBytes),
            ["int8_max_abs_diff"] = Codecs.FirstOrDefault(c => c.Codec == "int8")?.MaxAbsDiff,
            ["fp16_max_abs_diff"] = Codecs.FirstOrDefault(c => c.Codec == "fp16")?.MaxAbsDiff,
            ["codec_latency_ms"] = Codecs.ToDictionary(c => c.Codec, c => Statistics.Round(c.Milliseconds)),
            ["pipeline_speedup_1core"] = Statistics.Round(PipelineRps / OneCore.RequestsPerSecond),
            ["pipeline_rps_batched"] = Statistics.Round(PipelineBatchedRps),
            ["pipeline_batched_speedup_1core"] = Statistics.Round(PipelineBatchedRps / OneCore.RequestsPerSecond),
            ["baseline_rps_2core_intra_op"] = Statistics.Round(TwoCoresIntraOp.RequestsPerSecond),
            ["baseline_rps_2core_two_requests"] = Statistics.Round(TwoCoresTwoRequests.RequestsPerSecond),
            ["baseline_ort_threads"] = BaselineOrtThreads,
            ["tls_hop_overhead_ms_1mb"] = Statistics.Round(TlsHop.TlsMilliseconds),
            ["plain_hop_overhead_ms_1mb_beside_tls"] = Statistics.Round(TlsHop.PlainMilliseconds),
            ["hop_runs"] = HopRuns,
            ["shaped_links"] = ShapedLinks.Select(s => new Dictionary<string, object>
            {
                ["mbit"] = s.Megabits,
                ["measured_mbit"] = Statistics.Round(s.MeasuredMegabits),
                ["rtt_ms"] = Statistics.Round(s.RoundTripMilliseconds),
                ["planner_stages"] = s.PlannerStages,
                ["planner_cuts"] = s.PlannerCuts,
                ["planner_estimate_ms"] = Statistics.Round(s.PlannerEstimateMilliseconds),
                ["planner_ms"] = Statistics.Round(s.PlannerMilliseconds),
                ["best_ms"] = Statistics.Round(s.BestMilliseconds),
                ["best_split"] = s.BestSplit,
                ["best_retimed_ms"] = Statistics.Round(s.FastestRetimedMilliseconds),
                ["figures_runs"] = s.FiguresRuns,
                ["ratio"] = Statistics.Round(s.Ratio, 4),
                ["cuts"] = s.Cuts.Select(c => new Dictionary<string, object>
                {
                    ["position"] = c.Position,
                    ["after_node"] = c.AfterNode,
                    ["bytes"] = c.Bytes,
                    ["ms"] = Statistics.Round(c.Milliseconds),
                    ["runs"] = c.Runs,
                }).ToArray(),
            }).ToArray(),
            ["runs"] = Settings.Runs,
            ["throughput_rounds"] = Settings.ThroughputRounds,
            ["throughput_seconds"] = Settings.ThroughputSeconds,
            ["quick"] = Settings.Quick,
            ["notes"] = Notes,
        };
    }
}
