using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Grains.Interfaces.Devices;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Inference;
using EdgeCluster.Grains.Interfaces.Models;
using EdgeCluster.Grains.Interfaces.Tensors;
using EdgeCluster.Onnx.Batching;

namespace EdgeCluster.Grains.Deployments;

/// <summary>Plans a model's split over devices, stores every shard as a blob, and has each device open its shard.</summary>
public static class DeploymentBuilder
{
    public static async Task<StageRoute[]> BuildAsync(IGrainFactory grains, ModelInfo model, DeploymentSpec spec, IReadOnlyList<DeviceInfo> devices)
    {
        if (spec.Batching?.Problem() is { } problem)
        {
            throw EdgeClusterException.InvalidArgument($"Batching for '{spec.Model}' is not usable: {problem}.");
        }

        var content = await ModelBlobTransfer.DownloadAsync(grains, model.Sha256);
        var stages = await Task.Run(() => ShardPlanning.Split(model, content, spec.Stages, devices, spec.Cuts, batchAxis: spec.Batching is not null));
        var routes = new StageRoute[stages.Count];
        for (var i = 0; i < stages.Count; i++)
        {
            var stage = stages[i];
            var sha = await ModelBlobTransfer.UploadAsync(grains, stage.Model.ModelBytes);
            routes[i] = stage.ToRoute(sha) with
            {
                Codec = i < stages.Count - 1 ? Inference.ActivationWire.CheckCodec(spec.Codec) : TensorEncoding.None,
            };
            if (spec.Batching is not null)
            {
                var refused = await Task.Run(() => BatchSupport.WhyNot(stage.Model.ModelBytes));
                routes[i] = refused is null ? routes[i] with { Batching = spec.Batching } : routes[i] with { BatchingRefused = refused };
            }
        }

        await LoadAsync(grains, routes);
        return routes;
    }

    /// <summary>Has each stage's device fetch its shard (if absent) and open its session.</summary>
    public static Task LoadAsync(IGrainFactory grains, IEnumerable<StageRoute> stages) =>
        Task.WhenAll(stages.Select(r => grains.GetGrain<IModelShardGrain>(IModelShardGrain.KeyFor(r.DeviceId, r.ShardSha256)).EnsureLoadedAsync()));
}
