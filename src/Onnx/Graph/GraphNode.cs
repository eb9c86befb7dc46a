using Onnx;

namespace EdgeCluster.Onnx.Graph;

/// <summary>A top-level node of a graph at its position in the topological order.</summary>
public sealed class GraphNode
{
    internal GraphNode(int index, int originalIndex, NodeProto proto, IReadOnlyList<string> implicitInputs)
    {
        Index = index;
        OriginalIndex = originalIndex;
        Proto = proto;
        Name = string.IsNullOrEmpty(proto.Name) ? $"{proto.OpType}_{originalIndex}" : proto.Name;
        ImplicitInputs = implicitInputs;
        Inputs = proto.Input.Where(i => i.Length > 0).Concat(implicitInputs).Distinct(StringComparer.Ordinal).ToArray();
        Outputs = proto.Output.Where(o => o.Length > 0).ToArray();
    }

    /// <summary>Position in the topological order.</summary>
    public int Index { get; }

    /// <summary>Position in the model file.</summary>
    public int OriginalIndex { get; }

    /// <summary>The node as stored in the model; treat as read-only.</summary>
    public NodeProto Proto { get; }

    /// <summary>The node name, or <c>OpType_originalIndex</c> for unnamed nodes.</summary>
    public string Name { get; }

    public string OpType => Proto.OpType;

    /// <summary>Every tensor the node reads: its non-empty explicit inputs, then outer-scope names its subgraphs use.</summary>
    public IReadOnlyList<string> Inputs { get; }

    /// <summary>Outer-scope names used inside If/Loop/Scan bodies (recursively) that the bodies do not define.</summary>
    public IReadOnlyList<string> ImplicitInputs { get; }

    /// <summary>Non-empty outputs (omitted optional outputs are dropped).</summary>
    public IReadOnlyList<string> Outputs { get; }

    public override string ToString() => $"{Name} ({OpType})";
}
