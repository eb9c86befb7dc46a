using EdgeCluster.Onnx.Graph;
using EdgeCluster.Onnx.Partitioning;
using EdgeCluster.Onnx.Runtime;
using EdgeCluster.Onnx.Tensors;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeCluster.Onnx.Verification;

/// <summary>
/// Splits a model, chains the stage sessions in-process and compares every graph output with the whole model run on
/// the same deterministic inputs. The tolerance is relative to the largest reference magnitude across all outputs,
/// so it scales with the model's output range, with a 1e-12 floor so an all-zero output still needs an exact match.
/// </summary>
public static class SplitVerifier
{
    public static VerificationResult Verify(
        OnnxGraph graph,
        int stages,
        int seed = 0,
        IReadOnlyDictionary<string, long>? dims = null,
        double relativeTolerance = 1e-4,
        GraphOptimizationLevel level = GraphOptimizationLevel.ORT_ENABLE_EXTENDED)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return Verify(GraphAnalysis.Analyze(graph, dims, seed), stages, seed, relativeTolerance, level);
    }

    /// <summary>Verifies a split of an existing analysis; inputs use the analysis' symbolic sizes.</summary>
    public static VerificationResult Verify(
        GraphAnalysis analysis,
        int stages,
        int seed = 0,
        double relativeTolerance = 1e-4,
        GraphOptimizationLevel level = GraphOptimizationLevel.ORT_ENABLE_EXTENDED)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        return Verify(analysis, PartitionedModel.Create(analysis, stages), seed, relativeTolerance, level);
    }

    /// <summary>Verifies already emitted stages against the whole model.</summary>
    public static VerificationResult Verify(
        GraphAnalysis analysis,
        PartitionedModel split,
        int seed = 0,
        double relativeTolerance = 1e-4,
        GraphOptimizationLevel level = GraphOptimizationLevel.ORT_ENABLE_EXTENDED)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        ArgumentNullException.ThrowIfNull(split);
        ArgumentOutOfRangeException.ThrowIfNegative(relativeTolerance);
        var graph = analysis.Graph;
        var inputs = DeterministicInputs.Create(graph.Inputs, seed, analysis.Dims);

        IReadOnlyList<NamedTensor> reference;
        using (var whole = new ShardSession(graph.ToBytes(), level))
        {
            reference = whole.Run(inputs, graph.Outputs.Select(o => o.Name).ToArray());
        }

        IReadOnlyList<NamedTensor> chained;
        using (var pipeline = new LocalPipeline(split.Stages, level))
        {
            chained = pipeline.Run(inputs);
        }

        var diffs = reference.Select((expected, i) => Compare(expected, chained[i])).ToArray();
        var maxDiff = diffs.Length == 0 ? 0 : diffs.Max(d => d.MaxAbsDiff);
        var scale = diffs.Length == 0 ? 0 : diffs.Max(d => d.ReferenceMaxAbs);
        if (diffs.Any(d => double.IsNaN(d.MaxAbsDiff)))
        {
            maxDiff = double.NaN;
        }

        var tolerance = relativeTolerance * Math.Max(scale, 1e-12);
        return new VerificationResult(graph.Name, split.Plan.Stages.Count, split.Plan.Cuts, maxDiff, tolerance, maxDiff <= tolerance, diffs, split.Plan);
    }

    private static OutputDiff Compare(NamedTensor expected, NamedTensor actual)
    {
        if (actual.Name != expected.Name || actual.ElementType != expected.ElementType || !actual.Shape.AsSpan().SequenceEqual(expected.Shape))
        {
            return new OutputDiff(expected.Name, expected.Shape, double.PositiveInfinity, double.NaN, 0);
        }

        if (expected.ElementType is TensorElementType.Float or TensorElementType.Double or TensorElementType.Float16 or TensorElementType.BFloat16)
        {
            return new OutputDiff(
                expected.Name,
                expected.Shape,
                TensorComparison.MaxAbsDiff(expected, actual),
                TensorComparison.MaxAbs(expected),
                TensorComparison.CosineSimilarity(expected, actual));
        }

        // Integer and bool outputs (indices, masks) must match exactly.
        var same = expected.Data.AsSpan().SequenceEqual(actual.Data);
        return new OutputDiff(expected.Name, expected.Shape, same ? 0 : double.PositiveInfinity, 0, same ? 1 : 0);
    }
}
