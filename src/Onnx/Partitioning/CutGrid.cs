using System.Globalization;

namespace EdgeCluster.Onnx.Partitioning;

/// <summary>
/// The dynamic programs behind <see cref="ModelPartitioner.Plan"/>: state (s, b) is stages 0..s covering the nodes
/// before boundary b, where the boundaries are the graph's start, its valid cuts and its end.
/// </summary>
internal sealed class CutGrid
{
    private readonly GraphAnalysis _analysis;
    private readonly int _stages;
    private readonly DeviceProfile?[] _devices;
    private readonly int[] _boundaries;
    private readonly long[] _cutBytes;
    private readonly int[] _cutTensors;
    private readonly long[][] _weights;
    private readonly int _last;

    public CutGrid(GraphAnalysis analysis, int stages, DeviceProfile?[] devices)
    {
        _analysis = analysis;
        _stages = stages;
        _devices = devices;
        _boundaries = new[] { 0 }.Concat(analysis.ValidCuts.Select(c => c.Position)).Append(analysis.NodeCount).ToArray();
        _last = _boundaries.Length - 1;
        _cutBytes = new long[_boundaries.Length];
        _cutTensors = new int[_boundaries.Length];
        for (var b = 1; b < _last; b++)
        {
            _cutBytes[b] = analysis.ValidCuts[b - 1].Bytes;
            _cutTensors[b] = analysis.ValidCuts[b - 1].Tensors.Count;
        }

        _weights = ModelPartitioner.WeightMatrix(analysis, _boundaries);
    }

    /// <summary>The smallest slowest-stage time any split into the stages can reach; throws when a stage fits no device.</summary>
    public double SmallestBottleneck()
    {
        var best = new double?[_stages, _boundaries.Length];
        for (var s = 0; s < _stages; s++)
        {
            foreach (var (a, b, time) in Steps(s, best))
            {
                var candidate = Math.Max(s == 0 ? 0 : best[s - 1, a]!.Value, time);
                if (best[s, b] is not { } current || candidate < current)
                {
                    best[s, b] = candidate;
                }
            }

            if (Enumerable.Range(0, _boundaries.Length).All(b => best[s, b] is null))
            {
                throw NoFit(s, best);
            }
        }

        return best[_stages - 1, _last]!.Value;
    }

    /// <summary>
    /// The cut positions of the split whose stages all take at most <paramref name="limit"/> and that moves the fewest
    /// bytes, then the fewest tensors (each one crossing is an edge the runtime can no longer fuse across); of equal
    /// ones, the one whose cuts come later (the last cut first). There is one when the limit is at least
    /// <see cref="SmallestBottleneck"/>.
    /// </summary>
    public int[] FewestBytesWithin(double limit)
    {
        var best = new (long Bytes, int Tensors)?[_stages, _boundaries.Length];
        var from = new int[_stages, _boundaries.Length];
        for (var s = 0; s < _stages; s++)
        {
            foreach (var (a, b, time) in Steps(s, best))
            {
                if (time > limit)
                {
                    continue;
                }

                var previous = s == 0 ? (Bytes: 0L, Tensors: 0) : best[s - 1, a]!.Value;
                var candidate = b == _last ? previous : (Bytes: previous.Bytes + _cutBytes[b], Tensors: previous.Tensors + _cutTensors[b]);

                // Steps go through a in increasing order, so a tie goes to the later cut.
                if (best[s, b] is not { } current || candidate.Bytes < current.Bytes || (candidate.Bytes == current.Bytes && candidate.Tensors <= current.Tensors))
                {
                    best[s, b] = candidate;
                    from[s, b] = a;
                }
            }
        }

        if (best[_stages - 1, _last] is null)
        {
            throw new PartitionException(string.Create(
                CultureInfo.InvariantCulture, $"No split of '{_analysis.Graph.Name}' into {_stages} stages keeps every stage within {limit} FLOPs per unit of speed."));
        }

        var cuts = new int[_stages - 1];
        var end = _last;
        for (var s = _stages - 1; s > 0; s--)
        {
            end = from[s, end];
            cuts[s - 1] = _boundaries[end];
        }

        return cuts;
    }

    /// <summary>
    /// Every way stage <paramref name="s"/> can run from boundary a to boundary b on its device after a reachable
    /// state (s - 1, a), with its time; a in increasing order for each b.
    /// </summary>
    private IEnumerable<(int A, int B, double Time)> Steps<T>(int s, T?[,] best)
        where T : struct
    {
        var device = _devices[s];
        var lastEnd = s == _stages - 1 ? _last : _last - (_stages - 1 - s);
        for (var b = s == _stages - 1 ? _last : s + 1; b <= lastEnd; b++)
        {
            for (var a = s; a < b; a++)
            {
                if ((s == 0 ? a != 0 : best[s - 1, a] is null) || !ModelPartitioner.Fits(device, _weights[a][b - a - 1]))
                {
                    continue;
                }

                yield return (a, b, _analysis.Flops(_boundaries[a], _boundaries[b]) / (device?.RelativeSpeed ?? 1.0));
            }
        }
    }

    private PartitionException NoFit(int stage, double?[,] best)
    {
        var device = _devices[stage]!;
        var smallest = long.MaxValue;
        for (var a = stage; a < _last; a++)
        {
            if (stage == 0 ? a != 0 : best[stage - 1, a] is null)
            {
                continue;
            }

            for (var b = a + 1; b <= _last - (_stages - 1 - stage); b++)
            {
                if (stage == _stages - 1 && b != _last)
                {
                    continue;
                }

                smallest = Math.Min(smallest, _weights[a][b - a - 1]);
            }
        }

        var detail = smallest == long.MaxValue
            ? "no node range is left for it"
            : string.Create(
                CultureInfo.InvariantCulture,
                $"its smallest possible part needs {ModelPartitioner.Need(smallest)} bytes ({smallest} weight bytes x {ModelPartitioner.MemoryHeadroomFactor})");
        return new PartitionException(
            $"Stage {stage} of '{_analysis.Graph.Name}' does not fit device '{device.DeviceId}' ({device.MemoryBytes} bytes): {detail}.");
    }
}
