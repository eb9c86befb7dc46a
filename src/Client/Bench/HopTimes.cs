using System.Diagnostics;
using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Client.Bench;

/// <summary>
/// Latencies of the hop model deployed in one stage and in two, timed in pairs on one fleet; the hop's cost is the
/// difference of their medians.
/// </summary>
public sealed class HopTimes(BenchFleet fleet, string oneStage, string twoStages)
{
    private readonly List<double> _one = [];
    private readonly List<double> _two = [];

    public double OneStageMilliseconds => Statistics.Median(_one);

    public double TwoStagesMilliseconds => Statistics.Median(_two);

    public double OverheadMilliseconds => TwoStagesMilliseconds - OneStageMilliseconds;

    /// <summary>Times <paramref name="pairs"/> pairs (one stage, then two), kept only when <paramref name="record"/> (not while warming up).</summary>
    public async Task TimePairsAsync(IReadOnlyList<NamedTensor> input, int pairs, bool record)
    {
        for (var pair = 0; pair < pairs; pair++)
        {
            var one = await TimeAsync(oneStage, input);
            var two = await TimeAsync(twoStages, input);
            if (record)
            {
                _one.Add(one);
                _two.Add(two);
            }
        }
    }

    private async Task<double> TimeAsync(string deployment, IReadOnlyList<NamedTensor> input)
    {
        var watch = Stopwatch.StartNew();
        await fleet.InferAsync(deployment, input);
        return watch.Elapsed.TotalMilliseconds;
    }
}
