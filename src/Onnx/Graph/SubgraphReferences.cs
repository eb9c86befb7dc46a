using Onnx;

namespace EdgeCluster.Onnx.Graph;

/// <summary>
/// Finds the outer-scope tensors a node's subgraph attributes (If/Loop/Scan bodies) read. They are real data
/// dependencies even though they are not listed in the node's inputs, so cuts and stage inputs must include them.
/// </summary>
internal static class SubgraphReferences
{
    public static IReadOnlyList<string> OuterScopeNames(NodeProto node)
    {
        var names = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var graph in Subgraphs(node))
        {
            foreach (var name in FreeNames(graph))
            {
                if (seen.Add(name))
                {
                    names.Add(name);
                }
            }
        }

        return names;
    }

    public static IEnumerable<GraphProto> Subgraphs(NodeProto node)
    {
        foreach (var attribute in node.Attribute)
        {
            if (attribute.G is not null)
            {
                yield return attribute.G;
            }

            foreach (var graph in attribute.Graphs)
            {
                yield return graph;
            }
        }
    }

    private static List<string> FreeNames(GraphProto graph)
    {
        // Collect every definition first: the free set must not depend on the order of nodes in the body.
        var defined = new HashSet<string>(StringComparer.Ordinal);
        defined.UnionWith(graph.Input.Select(i => i.Name));
        defined.UnionWith(graph.Initializer.Select(i => i.Name));
        defined.UnionWith(graph.SparseInitializer.Select(i => i.Values.Name));
        foreach (var node in graph.Node)
        {
            defined.UnionWith(node.Output.Where(o => o.Length > 0));
        }

        var free = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Use(string name)
        {
            if (name.Length > 0 && !defined.Contains(name) && seen.Add(name))
            {
                free.Add(name);
            }
        }

        foreach (var node in graph.Node)
        {
            foreach (var input in node.Input)
            {
                Use(input);
            }

            foreach (var name in OuterScopeNames(node))
            {
                Use(name);
            }
        }

        // A body output may be an outer tensor passed straight through.
        foreach (var output in graph.Output)
        {
            Use(output.Name);
        }

        return free;
    }
}
