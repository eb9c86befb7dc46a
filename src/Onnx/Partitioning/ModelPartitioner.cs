using System.Globalization;

namespace EdgeCluster.Onnx.Partitioning;

/// <summary>
/// Chooses K-1 valid cuts that balance the stages (stage FLOPs / device speed), by dynamic programming over the valid
/// cut positions: first the smallest possible slowest stage, then, among the plans whose slowest stage is within the
/// tolerance of it, the one moving the fewest bytes across boundaries, with later cuts on a tie. Stage i runs on
/// devices[i]: the caller orders the devices, and stage 0 (which reads the raw inputs) belongs on the data owner.
/// </summary>
/// <remarks>
/// FLOPs only roughly measure time: on ResNet18 two stages of equal FLOPs took 8.4 and 11.9 ms. The exact balance
/// cut ResNet18 inside its residual blocks, where two tensors cross (twice the bytes) and ONNX Runtime can no
/// longer fuse the block's addition; cuts between blocks, 1 % less balanced, ran the three stages 1-2 % faster, sent
/// half the bytes and gave the monolithic run's output bit for bit.
/// </remarks>
public static class ModelPartitioner
{
    /// <summary>
    /// A stage fits a device when weight bytes * this factor &lt;= its memory: ONNX Runtime holds weights next to
    /// prepacked copies, activation arenas and the model bytes during session creation, so raw weight size is not enough.
    /// </summary>
    public const double MemoryHeadroomFactor = 1.5;

    /// <summary>The default balance tolerance: the slowest stage may be this fraction above the best balance.</summary>
    public const double DefaultTolerance = 0.05;

    /// <summary>Plans <paramref name="stages"/> stages; without devices all speeds are equal and memory is unbounded.</summary>
    /// <param name="tolerance">
    /// How far above the best balance the slowest stage may be (0.05: 5 %) for a plan that moves fewer bytes; 0 plans
    /// the exact balance, with fewer bytes only on a tie.
    /// </param>
    public static PartitionPlan Plan(GraphAnalysis analysis, int stages, IReadOnlyList<DeviceProfile>? devices = null, double tolerance = DefaultTolerance)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        var model = analysis.Graph.Name;
        if (!(tolerance >= 0 && tolerance < 1))
        {
            throw new PartitionException(string.Create(CultureInfo.InvariantCulture, $"The partitioner's balance tolerance must be at least 0 and below 1; got {tolerance}."));
        }

        if (stages < 1)
        {
            throw new PartitionException($"Cannot split '{model}' into {stages} stages; at least 1 is needed.");
        }

        if (stages > analysis.ValidCuts.Count + 1)
        {
            throw new PartitionException(
                $"{model} has only {analysis.ValidCuts.Count} valid cut points; cannot make {stages} stages (at most {analysis.ValidCuts.Count + 1}).");
        }

        var grid = new CutGrid(analysis, stages, Profiles(analysis, stages, devices));
        var limit = grid.SmallestBottleneck() * (1 + tolerance);
        return FromCuts(analysis, grid.FewestBytesWithin(limit), devices);
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

    internal static long Need(long weightBytes) => (long)Math.Ceiling(weightBytes * MemoryHeadroomFactor);
}
