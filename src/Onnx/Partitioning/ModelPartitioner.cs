using System.Globalization;

namespace EdgeCluster.Onnx.Partitioning;

/// <summary>
/// Chooses K-1 valid cuts that minimise the slowest stage (stage FLOPs / device speed), by dynamic programming over
/// the valid cut positions; ties go to the plan moving fewer bytes across boundaries. Stage i runs on devices[i]:
/// the caller orders the devices, and stage 0 (which reads the raw inputs) belongs on the data owner.
/// </summary>
public static class ModelPartitioner
{
    /// <summary>
    /// A stage fits a device when weight bytes * this factor &lt;= its memory: ONNX Runtime holds weights next to
    /// prepacked copies, activation arenas and the model bytes during session creation, so raw weight size is not enough.
    /// </summary>
    public const double MemoryHeadroomFactor = 1.5;

    /// <summary>Plans <paramref name="stages"/> stages; without devices all speeds are equal and memory is unbounded.</summary>
    public static PartitionPlan Plan(GraphAnalysis analysis, int stages, IReadOnlyList<DeviceProfile>? devices = null)
    {
        ArgumentNullException.ThrowIfNull(analysis);
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

        var profiles = Profiles(analysis, stages, devices);
        var boundaries = new[] { 0 }.Concat(analysis.ValidCuts.Select(c => c.Position)).Append(analysis.NodeCount).ToArray();
        var cutBytes = new long[boundaries.Length];
        for (var b = 1; b < boundaries.Length - 1; b++)
        {
            cutBytes[b] = analysis.ValidCuts[b - 1].Bytes;
        }

        var weights = WeightMatrix(analysis, boundaries);
        var last = boundaries.Length - 1;

        // best[s, b]: stages 0..s covering nodes [0, boundaries[b]); state = (slowest stage time, boundary bytes so far).
        var best = new (double Time, long Bytes)?[stages, boundaries.Length];
        var from = new int[stages, boundaries.Length];
        for (var s = 0; s < stages; s++)
        {
            var device = profiles[s];
            var firstEnd = s + 1;
            var lastEnd = s == stages - 1 ? last : last - (stages - 1 - s);
            for (var b = firstEnd; b <= lastEnd; b++)
            {
                if (s == stages - 1 && b != last)
                {
                    continue;
                }

                for (var a = s == 0 ? 0 : s; a < b; a++)
                {
                    if (s == 0 ? a != 0 : best[s - 1, a] is null)
                    {
                        continue;
                    }

                    if (!Fits(device, weights[a][b - a - 1]))
                    {
                        continue;
                    }

                    var time = analysis.Flops(boundaries[a], boundaries[b]) / (device?.RelativeSpeed ?? 1.0);
                    var previous = s == 0 ? (0.0, 0L) : best[s - 1, a]!.Value;
                    var candidate = (Math.Max(previous.Item1, time), previous.Item2 + (b == last ? 0 : cutBytes[b]));
                    if (best[s, b] is not { } current || candidate.Item1 < current.Time || (candidate.Item1 == current.Time && candidate.Item2 < current.Bytes))
                    {
                        best[s, b] = candidate;
                        from[s, b] = a;
                    }
                }
            }

            if (Enumerable.Range(0, boundaries.Length).All(b => best[s, b] is null))
            {
                throw NoFit(analysis, s, device!, boundaries, weights, best, stages);
            }
        }

        var cuts = new int[stages - 1];
        var end = last;
        for (var s = stages - 1; s > 0; s--)
        {
            end = from[s, end];
            cuts[s - 1] = boundaries[end];
        }

        return FromCuts(analysis, cuts, devices);
    }

    /// <summary>Builds the plan for explicitly chosen cut positions (each must be a valid cut, strictly increasing).</summary>
    public static PartitionPlan FromCuts(GraphAnalysis analysis, IReadOnlyList<int> cutPositions, IReadOnlyList<DeviceProfile>? devices = null)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        ArgumentNullException.ThrowIfNull(cutPositions);
        var valid = analysis.ValidCuts.Select(c => c.Position).ToHashSet();
        for (var i = 0; i < cutPositions.Count; i++)
        {
            if (!valid.Contains(cutPositions[i]))
            {
                throw new PartitionException(
                    $"Position {cutPositions[i]} is not a valid cut of '{analysis.Graph.Name}' (valid: {string.Join(", ", valid.Order())}).");
            }

            if (i > 0 && cutPositions[i] <= cutPositions[i - 1])
            {
                throw new PartitionException($"Cut positions must be strictly increasing; got {string.Join(", ", cutPositions)}.");
            }
        }

        var stages = cutPositions.Count + 1;
        var profiles = Profiles(analysis, stages, devices);
        var bounds = new[] { 0 }.Concat(cutPositions).Append(analysis.NodeCount).ToArray();
        var plans = new StagePlan[stages];
        for (var s = 0; s < stages; s++)
        {
            var (start, end) = (bounds[s], bounds[s + 1]);
            var flops = analysis.Flops(start, end);
            var weightBytes = analysis.WeightBytes(start, end);
            if (profiles[s] is { } device && !Fits(device, weightBytes))
            {
                throw new PartitionException(
                    $"Stage {s} of '{analysis.Graph.Name}' needs {Need(weightBytes)} bytes ({weightBytes} weight bytes x {MemoryHeadroomFactor}) but device '{device.DeviceId}' has {device.MemoryBytes}.");
            }

            var inputs = s == 0 ? analysis.Graph.Inputs.Select(i => analysis.Boundary(i.Name)) : analysis.CrossingSet(start).Select(analysis.Boundary);
            var outputs = end == analysis.NodeCount ? [] : analysis.CrossingSet(end).Select(analysis.Boundary);
            plans[s] = new StagePlan(
                s,
                profiles[s]?.DeviceId,
                start,
                end,
                analysis.Graph.Nodes[start].Name,
                analysis.Graph.Nodes[end - 1].Name,
                flops,
                analysis.TotalFlops > 0 ? flops / analysis.TotalFlops : 1.0 / stages,
                weightBytes,
                inputs.ToArray(),
                outputs.ToArray(),
                flops / (profiles[s]?.RelativeSpeed ?? 1.0));
        }

        return new PartitionPlan(
            analysis.Graph.Name,
            plans,
            cutPositions.ToArray(),
            cutPositions.Select(p => analysis.CrossingSet(p)).ToArray(),
            analysis.TotalFlops,
            plans.Max(p => p.Time));
    }

    internal static DeviceProfile?[] Profiles(GraphAnalysis analysis, int stages, IReadOnlyList<DeviceProfile>? devices)
    {
        if (devices is null)
        {
            return new DeviceProfile?[stages];
        }

        if (devices.Count < stages)
        {
            throw new PartitionException($"Splitting '{analysis.Graph.Name}' into {stages} stages needs {stages} devices; {devices.Count} given.");
        }

        foreach (var device in devices.Take(stages))
        {
            if (!(device.RelativeSpeed > 0) || double.IsInfinity(device.RelativeSpeed))
            {
                throw new PartitionException($"Device '{device.DeviceId}' has relative speed {device.RelativeSpeed}; it must be positive and finite.");
            }
        }

        return devices.Take(stages).ToArray();
    }

    // weights[a][k] = weight bytes of nodes [boundaries[a], boundaries[a + k + 1]); one sweep per start keeps this O(B * n).
    internal static long[][] WeightMatrix(GraphAnalysis analysis, int[] boundaries)
    {
        var graph = analysis.Graph;
        var matrix = new long[boundaries.Length - 1][];
        for (var a = 0; a < boundaries.Length - 1; a++)
        {
            matrix[a] = new long[boundaries.Length - 1 - a];
            var seen = new HashSet<string>(StringComparer.Ordinal);
            long bytes = 0;
            var next = a + 1;
            for (var i = boundaries[a]; i < analysis.NodeCount; i++)
            {
                bytes += analysis.NodeOwnWeightBytes[i];
                foreach (var input in graph.Nodes[i].Inputs)
                {
                    if (graph.IsInitializer(input) && seen.Add(input))
                    {
                        bytes += analysis.InitializerBytes[input];
                    }
                }

                if (i + 1 == boundaries[next])
                {
                    matrix[a][next - a - 1] = bytes;
                    next++;
                }
            }
        }

        return matrix;
    }

    internal static bool Fits(DeviceProfile? device, long weightBytes) => device is null || Need(weightBytes) <= device.MemoryBytes;

    private static long Need(long weightBytes) => (long)Math.Ceiling(weightBytes * MemoryHeadroomFactor);

    private static PartitionException NoFit(
        GraphAnalysis analysis, int stage, DeviceProfile device, int[] boundaries, long[][] weights, (double Time, long Bytes)?[,] best, int stages)
    {
        var last = boundaries.Length - 1;
        var smallest = long.MaxValue;
        for (var a = stage == 0 ? 0 : stage; a < last; a++)
        {
            if (stage == 0 ? a != 0 : best[stage - 1, a] is null)
            {
                continue;
            }

            for (var b = a + 1; b <= last - (stages - 1 - stage); b++)
            {
                if (stage == stages - 1 && b != last)
                {
                    continue;
                }

                smallest = Math.Min(smallest, weights[a][b - a - 1]);
            }
        }

        var detail = smallest == long.MaxValue
            ? "no node range is left for it"
            : string.Create(CultureInfo.InvariantCulture, $"its smallest possible part needs {Need(smallest)} bytes ({smallest} weight bytes x {MemoryHeadroomFactor})");
        return new PartitionException(
            $"Stage {stage} of '{analysis.Graph.Name}' does not fit device '{device.DeviceId}' ({device.MemoryBytes} bytes): {detail}.");
    }
}
