using EdgeCluster.Onnx.Compression;
using EdgeCluster.Onnx.Tensors;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeCluster.Onnx.Partitioning;

/// <summary>
/// Chooses cuts (and a codec per link) that minimise end-to-end latency or the pipeline's bottleneck, given device
/// speeds and link profiles, by dynamic programming over the valid cut positions like <see cref="ModelPartitioner"/>:
/// latency adds stage compute and link time (round trip + wire bytes / bandwidth + codec CPU), throughput takes
/// the largest stage or link occupancy. Stage i runs on devices[i]. Plans whose estimates lie within
/// <see cref="PlanCosts.Tolerance"/> of the best count as equally fast, and of those the planner takes the one moving
/// fewer wire bytes, then the one with later cuts (more of the model on the earlier devices, the origin first).
/// </summary>
/// <remarks>
/// The inputs are measured: two devices of the same hardware probe a percent or two apart, and that alone moved the
/// cut between the far ends of a run of equal-byte cuts. Measured on ResNet18 behind a shaped link, later cuts were
/// the faster ones: work after a hop runs on a device that sat idle (the same block took 6.1 ms on the origin and
/// 7.75 ms on the next device), and the origin already holds the data.
/// </remarks>
public static class ObjectivePartitioner
{
    private const double TieTolerance = 1e-9;

    /// <summary>Plans exactly <paramref name="stages"/> stages.</summary>
    public static ObjectivePlan Plan(
        GraphAnalysis analysis, int stages, PlanObjective objective, PlanCosts costs, IReadOnlyList<DeviceProfile>? devices = null)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        ArgumentNullException.ThrowIfNull(costs);
        costs.Validate();
        var model = analysis.Graph.Name;
        if (stages < 1)
        {
            throw new PartitionException($"Cannot split '{model}' into {stages} stages; at least 1 is needed.");
        }

        if (stages > analysis.ValidCuts.Count + 1)
        {
            throw new PartitionException(
                $"{model} has only {analysis.ValidCuts.Count} valid cut points; cannot make {stages} stages (at most {analysis.ValidCuts.Count + 1}).");
        }

        var profiles = ModelPartitioner.Profiles(analysis, stages, devices);
        var boundaries = new[] { 0 }.Concat(analysis.ValidCuts.Select(c => c.Position)).Append(analysis.NodeCount).ToArray();
        var last = boundaries.Length - 1;
        var weights = ModelPartitioner.WeightMatrix(analysis, boundaries);
        var cutTensors = new IReadOnlyList<BoundaryTensor>[boundaries.Length];
        for (var b = 1; b < last; b++)
        {
            cutTensors[b] = analysis.ValidCuts[b - 1].Tensors.Select(analysis.Boundary).ToArray();
        }

        // best[s, b]: stages 0..s covering nodes [0, boundaries[b]), with link s planned when b is not the end.
        var best = new (double Score, long Bytes)?[stages, boundaries.Length];
        var from = new int[stages, boundaries.Length];
        for (var s = 0; s < stages; s++)
        {
            var speed = (profiles[s]?.RelativeSpeed ?? 1.0) * costs.FlopsPerSecond;
            var lastEnd = s == stages - 1 ? last : last - (stages - 1 - s);
            for (var b = s + 1; b <= lastEnd; b++)
            {
                if (s == stages - 1 && b != last)
                {
                    continue;
                }

                var link = b == last ? null : Link(s, cutTensors[b], costs);
                var candidates = new List<(double Score, long Bytes, int From)>();
                for (var a = s; a < b; a++)
                {
                    if ((s == 0 ? a != 0 : best[s - 1, a] is null) || !ModelPartitioner.Fits(profiles[s], weights[a][b - a - 1]))
                    {
                        continue;
                    }

                    var compute = analysis.Flops(boundaries[a], boundaries[b]) / speed;
                    var previous = s == 0 ? (Score: 0.0, Bytes: 0L) : best[s - 1, a]!.Value;
                    var score = objective == PlanObjective.Latency
                        ? previous.Score + compute + (link?.LatencySeconds ?? 0)
                        : Math.Max(previous.Score, Math.Max(compute, link?.OccupancySeconds ?? 0));
                    candidates.Add((score, previous.Bytes + (link?.WireBytes ?? 0), a));
                }

                if (Choose(candidates, costs.Tolerance) is { } chosen)
                {
                    best[s, b] = (chosen.Score, chosen.Bytes);
                    from[s, b] = chosen.From;
                }
            }
        }

        if (best[stages - 1, last] is null)
        {
            // Let the plain partitioner name the stage and device that cannot fit.
            ModelPartitioner.Plan(analysis, stages, devices);
            throw new PartitionException($"No split of '{model}' into {stages} stages fits the devices' memory.");
        }

        var cuts = new int[stages - 1];
        var end = last;
        for (var s = stages - 1; s > 0; s--)
        {
            end = from[s, end];
            cuts[s - 1] = boundaries[end];
        }

        var partition = ModelPartitioner.FromCuts(analysis, cuts, devices);
        return Describe(analysis, partition, objective, costs, profiles);
    }

    /// <summary>Plans every stage count from 1 to <paramref name="maxStages"/> that fits and returns the one with the lowest score (fewer stages within <see cref="PlanCosts.Tolerance"/>).</summary>
    public static ObjectivePlan PlanBestStageCount(
        GraphAnalysis analysis, int maxStages, PlanObjective objective, PlanCosts costs, IReadOnlyList<DeviceProfile>? devices = null)
    {
        var candidates = PlanEachStageCount(analysis, maxStages, objective, costs, devices);
        return candidates.Count > 0
            ? candidates.Aggregate((x, y) => y.Score < x.Score * (1 - Math.Max(costs.Tolerance, TieTolerance)) ? y : x)
            : throw new PartitionException($"No split of '{analysis.Graph.Name}' into 1 to {maxStages} stages fits the devices' memory.");
    }

    /// <summary>The best plan for each stage count from 1 to <paramref name="maxStages"/> (capped by the valid cuts), skipping counts that do not fit.</summary>
    public static IReadOnlyList<ObjectivePlan> PlanEachStageCount(
        GraphAnalysis analysis, int maxStages, PlanObjective objective, PlanCosts costs, IReadOnlyList<DeviceProfile>? devices = null)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxStages, 1);
        var plans = new List<ObjectivePlan>();
        var limit = Math.Min(maxStages, analysis.ValidCuts.Count + 1);
        if (devices is not null)
        {
            limit = Math.Min(limit, devices.Count);
        }

        for (var stages = 1; stages <= limit; stages++)
        {
            try
            {
                plans.Add(Plan(analysis, stages, objective, costs, devices));
            }
            catch (PartitionException) when (devices is not null)
            {
                // This many stages does not fit the given devices' memory; other counts may.
            }
        }

        return plans;
    }

    /// <summary>Estimated stage and link times of an existing plan under <paramref name="costs"/> (codec per link chosen as the planner would).</summary>
    public static ObjectivePlan Evaluate(
        GraphAnalysis analysis, PartitionPlan partition, PlanObjective objective, PlanCosts costs, IReadOnlyList<DeviceProfile>? devices = null)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        ArgumentNullException.ThrowIfNull(partition);
        ArgumentNullException.ThrowIfNull(costs);
        costs.Validate();
        return Describe(analysis, partition, objective, costs, ModelPartitioner.Profiles(analysis, partition.Stages.Count, devices));
    }

    private static ObjectivePlan Describe(
        GraphAnalysis analysis, PartitionPlan partition, PlanObjective objective, PlanCosts costs, DeviceProfile?[] profiles)
    {
        var stageSeconds = partition.Stages
            .Select((stage, s) => stage.Flops / ((profiles[s]?.RelativeSpeed ?? 1.0) * costs.FlopsPerSecond))
            .ToArray();
        var links = partition.Stages.Take(partition.Stages.Count - 1).Select((stage, s) => Link(s, stage.Outputs, costs)).ToArray();
        return new ObjectivePlan(partition, objective, stageSeconds, links);
    }

    private static LinkPlan Link(int index, IReadOnlyList<BoundaryTensor> tensors, PlanCosts costs)
    {
        var profile = costs.LinkAt(index);
        var raw = tensors.Sum(t => t.Bytes);
        var floats = tensors.Where(t => t.ElementType == TensorElementType.Float).Sum(t => ShapeMath.ElementCount(t.Shape));
        LinkPlan? best = null;
        foreach (var codec in ActivationCodecs.All.Where(costs.Codecs.Contains))
        {
            var wire = tensors.Sum(t => ActivationCodecs.WireBytes(codec, t.ElementType, ShapeMath.ElementCount(t.Shape)));
            var cpu = floats * costs.CodecSecondsPerElement.GetValueOrDefault(codec);
            var plan = new LinkPlan(index, codec, raw, wire, profile.TransferSeconds(wire), cpu, profile.RoundTripSeconds);

            // ActivationCodecs.All runs from lossless to smallest, so a tie keeps the less lossy codec.
            if (best is null || plan.OccupancySeconds < best.OccupancySeconds * (1 - TieTolerance))
            {
                best = plan;
            }
        }

        return best!;
    }

    /// <summary>
    /// Of the candidates within <paramref name="tolerance"/> of the lowest score: the fewest wire bytes, then the latest
    /// start of the last stage (more work before it). Compared with the lowest score, not pairwise, so near-ties cannot
    /// chain away from the best.
    /// </summary>
    private static (double Score, long Bytes, int From)? Choose(List<(double Score, long Bytes, int From)> candidates, double tolerance)
    {
        if (candidates.Count == 0)
        {
            return null;
        }

        var lowest = candidates.Min(c => c.Score);
        var limit = lowest + (Math.Max(tolerance, TieTolerance) * Math.Abs(lowest));
        return candidates
            .Where(c => c.Score <= limit)
            .OrderBy(c => c.Bytes)
            .ThenByDescending(c => c.From)
            .First();
    }
}
