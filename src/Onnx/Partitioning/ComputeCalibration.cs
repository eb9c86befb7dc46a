using System.Diagnostics;
using EdgeCluster.Onnx.Runtime;
using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Onnx.Partitioning;

/// <summary>Effective FLOP/s of this machine on a model: its estimated FLOPs over the fastest of a few warm ONNX Runtime runs.</summary>
public static class ComputeCalibration
{
    /// <summary>Runs the analysed model <paramref name="runs"/> times after one warm-up on deterministic inputs.</summary>
    public static (double FlopsPerSecond, double Milliseconds) Measure(GraphAnalysis analysis, int runs = 3)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        using var session = new ShardSession(analysis.Graph.ToBytes());
        var inputs = DeterministicInputs.Create(session.Inputs, analysis.Seed, analysis.Dims);
        session.Run(inputs);
        var fastest = double.MaxValue;
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            session.Run(inputs);
            fastest = Math.Min(fastest, watch.Elapsed.TotalSeconds);
        }

        return (analysis.TotalFlops / fastest, fastest * 1e3);
    }
}
