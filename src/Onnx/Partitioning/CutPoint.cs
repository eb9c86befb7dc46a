namespace EdgeCluster.Onnx.Partitioning;

/// <summary>A valid stage boundary: before node <paramref name="Position"/> of the topological order.</summary>
/// <param name="Tensors">The crossing set: tensors produced before the cut and needed after it (or graph outputs).</param>
/// <param name="Bytes">Total bytes of the crossing set.</param>
/// <param name="AfterNode">Name of the last node before the cut.</param>
public sealed record CutPoint(int Position, IReadOnlyList<string> Tensors, long Bytes, string AfterNode);
