using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Onnx.Partitioning;

namespace EdgeCluster.Grains.Deployments;

/// <summary>A stage as planned and emitted, before its shard has a content address.</summary>
public sealed record PlannedStage(StagePlan Plan, StageModel Model, string DeviceId)
{
    public StageRoute ToRoute(string shardSha256) => new(
        Plan.Index,
        DeviceId,
        shardSha256,
        Model.ModelBytes.LongLength,
        [.. Model.InputNames],
        [.. Model.OutputNames],
        [.. Model.ForwardNames],
        Plan.NodeCount,
        Plan.FlopsShare,
        Plan.WeightBytes);
}
