using EdgeCluster.Grains.Interfaces.Devices;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Models;
using EdgeCluster.Onnx;
using EdgeCluster.Onnx.Graph;
using EdgeCluster.Onnx.Partitioning;

namespace EdgeCluster.Grains.Deployments;

/// <summary>Runs the partitioner for a deployment and turns its failures into errors a caller can act on.</summary>
public static class ShardPlanning
{
    public static IReadOnlyList<PlannedStage> Split(ModelInfo model, byte[] content, int stages, IReadOnlyList<DeviceInfo> devices)
    {
        try
        {
            var graph = OnnxGraph.Load(content, model.Name);
            var profiles = devices.Select(d => new DeviceProfile(d.DeviceId, d.RelativeSpeed, d.MemoryBytes)).ToArray();
            var partitioned = PartitionedModel.Create(graph, stages, profiles);
            return partitioned.Plan.Stages
                .Select((plan, i) => new PlannedStage(plan, partitioned.Stages[i], devices[i].DeviceId))
                .ToArray();
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
