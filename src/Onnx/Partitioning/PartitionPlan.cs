namespace EdgeCluster.Onnx.Partitioning;

/// <summary>How a model is cut into contiguous stages.</summary>
/// <param name="CutPositions">Topological positions of the K-1 boundaries (stage i+1 starts at CutPositions[i]).</param>
/// <param name="Cuts">Tensor names crossing each boundary, in boundary order.</param>
/// <param name="BottleneckTime">Time of the slowest stage (FLOPs / relative speed).</param>
public sealed record PartitionPlan(
    string Model,
    IReadOnlyList<StagePlan> Stages,
    IReadOnlyList<int> CutPositions,
    IReadOnlyList<IReadOnlyList<string>> Cuts,
    double TotalFlops,
    double BottleneckTime)
{
    /// <summary>Bytes crossing all boundaries per inference.</summary>
    public long BoundaryBytes => Stages.Sum(s => s.OutputBytes);
}
