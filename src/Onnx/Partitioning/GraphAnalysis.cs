using EdgeCluster.Onnx.Graph;

namespace EdgeCluster.Onnx.Partitioning;

/// <summary>
/// Everything the planner and emitter need about one graph: tensor facts, per-node cost, and which boundaries in
/// the topological order are valid cuts. A cut at position p separates nodes [0,p) from [p,n); its crossing set is
/// every tensor produced before p that a node at/after p reads (including reads inside If/Loop/Scan bodies) or
/// that is a graph output. A cut is valid when it is non-empty, every crossing tensor is a measured dense tensor,
/// and no node at/after p reads a raw graph input: raw input data never leaves the device of stage 0.
/// </summary>
public sealed class GraphAnalysis
{
    private readonly Dictionary<string, int> lastUse;
    private readonly HashSet<string> graphOutputs;
    private readonly double[] prefixFlops;

    private GraphAnalysis(OnnxGraph graph, IReadOnlyDictionary<string, TensorInfo> tensors, int seed, IReadOnlyDictionary<string, long>? dims)
    {
        Graph = graph;
        Tensors = tensors;
        Seed = seed;
        Dims = dims;
        var nodes = graph.Nodes;
        graphOutputs = graph.Outputs.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var output in graph.Outputs)
        {
            if (graph.Producer(output.Name) is null)
            {
                throw new PartitionException(
                    $"Graph output '{output.Name}' of '{graph.Name}' is a graph input or initializer, not a node result; such models cannot be partitioned.");
            }
        }

        lastUse = new Dictionary<string, int>(StringComparer.Ordinal);
        LastRawInputConsumer = -1;
        foreach (var node in nodes)
        {
            foreach (var input in node.Inputs)
            {
                lastUse[input] = node.Index;
                if (graph.IsRawInput(input))
                {
                    LastRawInputConsumer = node.Index;
                }
            }
        }

        NodeFlops = nodes.Select(n => NodeCostModel.Flops(n, tensors)).ToArray();
        prefixFlops = new double[nodes.Count + 1];
        for (var i = 0; i < nodes.Count; i++)
        {
            prefixFlops[i + 1] = prefixFlops[i] + NodeFlops[i];
        }

        var weightBytes = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (name, initializer) in graph.Initializers)
        {
            weightBytes[name] = InitializerSizes.Bytes(initializer);
        }

        foreach (var sparse in graph.Model.Graph.SparseInitializer)
        {
            weightBytes[sparse.Values.Name] = InitializerSizes.Bytes(sparse.Values) + InitializerSizes.Bytes(sparse.Indices);
        }

        InitializerBytes = weightBytes;
        NodeOwnWeightBytes = nodes.Select(n => InitializerSizes.ConstantNodeBytes(n.Proto)).ToArray();
        ValidCuts = Enumerable.Range(1, Math.Max(0, nodes.Count - 1)).Select(TryCut).OfType<CutPoint>().ToArray();
    }

    public OnnxGraph Graph { get; }

    /// <summary>Element type and shape of every top-level tensor (inputs, initializers, node outputs).</summary>
    public IReadOnlyDictionary<string, TensorInfo> Tensors { get; }

    /// <summary>Seed of the deterministic inputs used to measure shapes.</summary>
    public int Seed { get; }

    /// <summary>Sizes given for symbolic input dimensions (others were <c>DeterministicInputs.DefaultSymbolicDimension</c>).</summary>
    public IReadOnlyDictionary<string, long>? Dims { get; }

    public int NodeCount => Graph.Nodes.Count;

    /// <summary>Estimated FLOPs per node, indexed by topological position.</summary>
    public IReadOnlyList<double> NodeFlops { get; }

    public double TotalFlops => prefixFlops[^1];

    /// <summary>Bytes of each initializer (dense and sparse).</summary>
    public IReadOnlyDictionary<string, long> InitializerBytes { get; }

    /// <summary>Bytes of the values Constant nodes hold, by topological position (0 for other nodes).</summary>
    public IReadOnlyList<long> NodeOwnWeightBytes { get; }

    /// <summary>Position of the last node that reads a raw graph input; no valid cut lies at or before it.</summary>
    public int LastRawInputConsumer { get; }

    /// <summary>All valid cuts in position order.</summary>
    public IReadOnlyList<CutPoint> ValidCuts { get; }

    public static GraphAnalysis Analyze(OnnxGraph graph, IReadOnlyDictionary<string, long>? dims = null, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return new GraphAnalysis(graph, ShapeProbe.Measure(graph, seed, dims), seed, dims);
    }

    /// <summary>
    /// The bag of tensors alive at a boundary: the raw graph inputs at 0, the graph outputs (in output order) at the
    /// end, else tensors produced before <paramref name="position"/> that are read at/after it or are graph outputs,
    /// in production order.
    /// </summary>
    public IReadOnlyList<string> CrossingSet(int position)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(position, NodeCount);
        if (position == 0)
        {
            return Graph.Inputs.Select(i => i.Name).ToArray();
        }

        if (position == NodeCount)
        {
            return Graph.Outputs.Select(o => o.Name).ToArray();
        }

        var crossing = new List<string>();
        for (var i = 0; i < position; i++)
        {
            foreach (var output in Graph.Nodes[i].Outputs)
            {
                if (graphOutputs.Contains(output) || lastUse.GetValueOrDefault(output, -1) >= position)
                {
                    crossing.Add(output);
                }
            }
        }

        return crossing;
    }

    /// <summary>Tensors the nodes [start,end) read that were produced before <paramref name="start"/> (or are raw graph inputs).</summary>
    public IReadOnlyList<string> StageInputs(int start, int end)
    {
        CheckRange(start, end);
        var produced = new HashSet<string>(StringComparer.Ordinal);
        var inputs = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = start; i < end; i++)
        {
            var node = Graph.Nodes[i];
            foreach (var input in node.Inputs)
            {
                if (!produced.Contains(input) && !Graph.IsInitializer(input) && seen.Add(input))
                {
                    inputs.Add(input);
                }
            }

            produced.UnionWith(node.Outputs);
        }

        return inputs;
    }

    /// <summary>Tensors the nodes [start,end) produce that are still needed after <paramref name="end"/> (read later or graph outputs).</summary>
    public IReadOnlyList<string> StageOutputs(int start, int end)
    {
        CheckRange(start, end);
        if (end == NodeCount)
        {
            return Graph.Outputs.Select(o => o.Name).Where(o => Graph.Producer(o)!.Index >= start).ToArray();
        }

        return CrossingSet(end).Where(t => Graph.Producer(t)!.Index >= start).ToArray();
    }

    /// <summary>Distinct initializers read by the nodes [start,end), including reads inside subgraphs, in first-use order.</summary>
    public IReadOnlyList<string> StageInitializers(int start, int end)
    {
        CheckRange(start, end);
        return Graph.Nodes.Skip(start).Take(end - start)
            .SelectMany(n => n.Inputs).Where(Graph.IsInitializer).Distinct(StringComparer.Ordinal).ToArray();
    }

    public double Flops(int start, int end)
    {
        CheckRange(start, end);
        return prefixFlops[end] - prefixFlops[start];
    }

    public long WeightBytes(int start, int end) =>
        StageInitializers(start, end).Sum(i => InitializerBytes[i]) + NodeOwnWeightBytes.Skip(start).Take(end - start).Sum();

    /// <summary>A tensor as it crosses a boundary; throws if its type and shape are unknown.</summary>
    public BoundaryTensor Boundary(string name) =>
        Tensors.TryGetValue(name, out var info)
            ? new BoundaryTensor(name, info.ElementType, info.Shape, info.Bytes)
            : throw new PartitionException($"Tensor '{name}' of '{Graph.Name}' has no known type and shape.");

    private CutPoint? TryCut(int position)
    {
        if (position <= LastRawInputConsumer)
        {
            return null;
        }

        var crossing = CrossingSet(position);
        if (crossing.Count == 0 || crossing.Any(t => !Tensors.TryGetValue(t, out var info) || !info.IsDense))
        {
            return null;
        }

        return new CutPoint(position, crossing, crossing.Sum(t => Tensors[t].Bytes), Graph.Nodes[position - 1].Name);
    }

    private void CheckRange(int start, int end)
    {
        if (start < 0 || end > NodeCount || start >= end)
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"Node range [{start},{end}) is not a non-empty range of the {NodeCount} nodes.");
        }
    }
}
