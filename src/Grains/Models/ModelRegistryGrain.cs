using EdgeCluster.Grains.Failover;
using EdgeCluster.Grains.Inference;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Models;
using EdgeCluster.Onnx;
using EdgeCluster.Onnx.Graph;

namespace EdgeCluster.Grains.Models;

/// <summary>Names models, checks each one parses as ONNX before it is accepted, and keeps its signature in the fleet storage.</summary>
public sealed class ModelRegistryGrain(
    [PersistentState("models", FleetStorage.Name)] IPersistentState<Dictionary<string, ModelInfo>> models) : Grain, IModelRegistryGrain
{
    private Dictionary<string, ModelInfo> Models => models.State;

    public async Task<ModelInfo> RegisterAsync(string name, string sha256)
    {
        ModelNames.Validate(name, "Model");
        if (!await GrainFactory.GetGrain<IModelBlobGrain>(sha256).IsCompleteAsync())
        {
            throw new EdgeClusterException(EdgeClusterErrorKind.FailedPrecondition, $"Model '{name}': blob {sha256} has not been uploaded completely.");
        }

        var content = await ModelBlobTransfer.DownloadAsync(GrainFactory, sha256);
        OnnxGraph graph;
        try
        {
            graph = await Task.Run(() => OnnxGraph.Load(content, name));
        }
        catch (InvalidModelException exception)
        {
            throw new EdgeClusterException(EdgeClusterErrorKind.InvalidModel, $"Model '{name}' is not a usable ONNX model: {exception.Message}");
        }

        var info = new ModelInfo(
            name,
            sha256,
            content.LongLength,
            graph.Inputs.Select(i => i.ToSignature()).ToArray(),
            graph.Outputs.Select(o => o.ToSignature()).ToArray(),
            graph.DefaultOpsetVersion,
            graph.IrVersion,
            graph.Nodes.Count,
            DateTimeOffset.UtcNow);
        Models[name] = info;
        await models.WriteStateAsync();
        return info;
    }

    public Task<ModelInfo?> GetAsync(string name) => Task.FromResult(Models.GetValueOrDefault(name));

    public Task<ModelInfo[]> ListAsync() =>
        Task.FromResult(Models.Values.OrderBy(m => m.Name, StringComparer.Ordinal).ToArray());
}
