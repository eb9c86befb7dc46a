using Onnx;

namespace EdgeCluster.Onnx.Graph;

/// <summary>Kahn's algorithm that always picks the ready node appearing first in the file, so an already sorted graph keeps its order.</summary>
internal static class TopologicalSorter
{
    /// <summary>Returns the nodes in dependency order; throws <see cref="InvalidModelException"/> for undefined tensors, double producers and cycles.</summary>
    public static IReadOnlyList<GraphNode> Sort(GraphProto graph, IReadOnlySet<string> externallyDefined)
    {
        var count = graph.Node.Count;
        var implicitInputs = new IReadOnlyList<string>[count];
        var producers = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var node = graph.Node[i];
            implicitInputs[i] = SubgraphReferences.OuterScopeNames(node);
            foreach (var output in node.Output.Where(o => o.Length > 0))
            {
                if (externallyDefined.Contains(output))
                {
                    throw new InvalidModelException(
                        $"Node {Describe(node, i)} writes '{output}', which is already a graph input or initializer.");
                }

                if (!producers.TryAdd(output, i))
                {
                    throw new InvalidModelException(
                        $"Tensor '{output}' is produced by both node {Describe(graph.Node[producers[output]], producers[output])} and node {Describe(node, i)}.");
                }
            }
        }

        var successors = new List<int>[count];
        var pending = new int[count];
        for (var i = 0; i < count; i++)
        {
            successors[i] = [];
        }

        for (var i = 0; i < count; i++)
        {
            var node = graph.Node[i];
            var dependencies = new HashSet<int>();
            foreach (var input in node.Input.Where(n => n.Length > 0).Concat(implicitInputs[i]))
            {
                if (producers.TryGetValue(input, out var producer))
                {
                    dependencies.Add(producer);
                }
                else if (!externallyDefined.Contains(input))
                {
                    throw new InvalidModelException(
                        $"Node {Describe(node, i)} reads '{input}', which no node, graph input or initializer defines.");
                }
            }

            foreach (var producer in dependencies)
            {
                successors[producer].Add(i);
            }

            pending[i] = dependencies.Count;
        }

        var ready = new PriorityQueue<int, int>();
        for (var i = 0; i < count; i++)
        {
            if (pending[i] == 0)
            {
                ready.Enqueue(i, i);
            }
        }

        var order = new List<GraphNode>(count);
        while (ready.TryDequeue(out var next, out _))
        {
            order.Add(new GraphNode(order.Count, next, graph.Node[next], implicitInputs[next]));
            foreach (var successor in successors[next])
            {
                if (--pending[successor] == 0)
                {
                    ready.Enqueue(successor, successor);
                }
            }
        }

        if (order.Count != count)
        {
            var stuck = Enumerable.Range(0, count).Where(i => pending[i] > 0).Take(5).Select(i => Describe(graph.Node[i], i));
            throw new InvalidModelException(
                $"The graph has a cycle: {count - order.Count} node(s) can never run, e.g. {string.Join(", ", stuck)}.");
        }

        return order;
    }

    private static string Describe(NodeProto node, int index) =>
        string.IsNullOrEmpty(node.Name) ? $"#{index} ({node.OpType})" : $"'{node.Name}' ({node.OpType})";
}
