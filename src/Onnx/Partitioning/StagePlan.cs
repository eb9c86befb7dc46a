namespace EdgeCluster.Onnx.Partitioning;

/// <summary>One stage of a plan: nodes [StartNode, EndNode) of the topological order.</summary>
/// <param name="DeviceId">The device it runs on, when devices were given.</param>
/// <param name="FlopsShare">Flops / total FLOPs of the model.</param>
/// <param name="WeightBytes">Bytes of the initializers (and Constant values) its nodes use; shared weights count in every stage using them.</param>
/// <param name="Inputs">The bag it receives: the graph inputs for stage 0, else the crossing set at its start.</param>
/// <param name="Outputs">The bag it hands on (crossing set at its end); empty for the last stage, which yields the graph outputs.</param>
/// <param name="Time">Estimated time in FLOPs per unit of relative speed.</param>
public sealed record StagePlan(
    int Index,
    string? DeviceId,
    int StartNode,
    int EndNode,
    string FirstNode,
    string LastNode,
    double Flops,
    double FlopsShare,
    long WeightBytes,
    IReadOnlyList<BoundaryTensor> Inputs,
    IReadOnlyList<BoundaryTensor> Outputs,
    double Time)
{
    public int NodeCount => EndNode - StartNode;

    public long InputBytes => Inputs.Sum(t => t.Bytes);

    public long OutputBytes => Outputs.Sum(t => t.Bytes);
}
