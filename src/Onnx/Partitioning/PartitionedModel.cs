using EdgeCluster.Onnx.Graph;

namespace EdgeCluster.Onnx.Partitioning;

/// <summary>A plan together with the stage models emitted for it.</summary>
public sealed record PartitionedModel(PartitionPlan Plan, IReadOnlyList<StageModel> Stages)
{
    /// <summary>Plans and emits in one step.</summary>
    public static PartitionedModel Create(GraphAnalysis analysis, int stages, IReadOnlyList<DeviceProfile>? devices = null)
    {
        var plan = ModelPartitioner.Plan(analysis, stages, devices);
        return new PartitionedModel(plan, StageEmitter.Emit(analysis, plan));
    }

    /// <summary>Analyses (measuring shapes with <paramref name="dims"/> for symbolic input dimensions), plans and emits.</summary>
    public static PartitionedModel Create(
        OnnxGraph graph, int stages, IReadOnlyList<DeviceProfile>? devices = null, IReadOnlyDictionary<string, long>? dims = null, int seed = 0) =>
        Create(GraphAnalysis.Analyze(graph, dims, seed), stages, devices);
}
