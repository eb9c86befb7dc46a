using EdgeCluster.Grains.Interfaces.Devices;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Models;
using EdgeCluster.Onnx;
using EdgeCluster.Onnx.Batching;
using EdgeCluster.Onnx.Graph;
using EdgeCluster.Onnx.Partitioning;

namespace EdgeCluster.Grains.Deployments;

/// <summary>Runs the partitioner for a deployment and turns its failures into errors a caller can act on.</summary>
public static class ShardPlanning
{
    /// <summary>
    /// Splits the model into <paramref name="stages"/> stages: at <paramref name="cuts"/> (topological positions of valid
    /// cuts) when given, else where the planner balances FLOPs over the devices. With <paramref name="batchAxis"/> the
    /// model's axis 0 is made symbolic first, so the stages accept batches.
    /// </summary>
    public static IReadOnlyList<PlannedStage> Split(
        ModelInfo model, byte[] content, int stages, IReadOnlyList<DeviceInfo> devices, IReadOnlyList<int>? cuts = null, bool batchAxis = false)
    {
        cuts ??= [];
        if (cuts.Count > 0 && cuts.Count != stages - 1)
        {
            throw EdgeClusterException.InvalidArgument(
                $"{stages} stages need {stages - 1} cut(s); {cuts.Count} were given ({string.Join(", ", cuts)}).");
        }

        GraphAnalysis analysis;
        try
        {
            var graph = OnnxGraph.Load(content, model.Name);
            analysis = GraphAnalysis.Analyze(batchAxis ? OnnxGraph.FromModel(BatchDimension.MakeSymbolic(graph.Model), model.Name) : graph);
        }
        catch (InvalidModelException exception)
        {
            throw new EdgeClusterException(EdgeClusterErrorKind.InvalidModel, $"Model '{model.Name}': {exception.Message}");
        }
        catch (PartitionException exception)
        {
            throw new EdgeClusterException(EdgeClusterErrorKind.FailedPrecondition, $"Model '{model.Name}' cannot be split: {exception.Message}");
        }

        var profiles = devices.Select(d => new DeviceProfile(d.DeviceId, d.RelativeSpeed, d.MemoryBytes)).ToArray();
        PartitionPlan plan;
        if (cuts.Count > 0)
        {
            try
            {
                plan = ModelPartitioner.FromCuts(analysis, cuts, profiles);
            }
            catch (PartitionException exception)
            {
                throw EdgeClusterException.InvalidArgument($"Cuts {string.Join(", ", cuts)} of model '{model.Name}' are not usable: {exception.Message}");
            }
        }
        else
        {
            try
            {
                plan = ModelPartitioner.Plan(analysis, stages, profiles);
            }
            catch (PartitionException exception)
            {
                throw new EdgeClusterException(EdgeClusterErrorKind.FailedPrecondition, $"Model '{model.Name}' cannot be split: {exception.Message}");
            }
        }

        try
        {
            var emitted = StageEmitter.Emit(analysis, plan);
            return plan.Stages.Select((stage, i) => new PlannedStage(stage, emitted[i], devices[i].DeviceId)).ToArray();
        }
        catch (PartitionException exception)
        {
            throw new EdgeClusterException(EdgeClusterErrorKind.FailedPrecondition, $"Model '{model.Name}' cannot be split: {exception.Message}");
        }
        catch (InvalidModelException exception)
        {
            throw new EdgeClusterException(EdgeClusterErrorKind.InvalidModel, $"Model '{model.Name}': {exception.Message}");
        }
    }
}
