using EdgeCluster.Client.Connection;
using EdgeCluster.Grains.Inference;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Models;
using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Client.Protocol;

/// <summary>
/// <see cref="IInferenceClient"/> over Orleans grain calls: requests enter at <paramref name="originDevice"/>.
/// Connect <paramref name="cluster"/> through that device's gateway so the input reaches no other silo.
/// </summary>
public sealed class GrainInferenceClient(EdgeClusterClient cluster, string originDevice) : IInferenceClient
{
    public async Task<ModelSignature> GetSignatureAsync(string model, CancellationToken cancellationToken = default)
    {
        var deployment = await cluster.GetDeploymentAsync(model).WaitAsync(cancellationToken);
        var registered = deployment.Route?.Model ?? model;
        var info = await cluster.Grains.GetGrain<IModelRegistryGrain>(IModelRegistryGrain.Key).GetAsync(registered).WaitAsync(cancellationToken)
            ?? throw EdgeClusterException.NotFound($"Model '{registered}' is not registered.");
        return new ModelSignature(model, info.Inputs, info.Outputs);
    }

    public async Task<InferenceOutcome> InferAsync(
        string model,
        IReadOnlyList<NamedTensor> inputs,
        IReadOnlyList<string>? outputNames = null,
        string? requestId = null,
        CancellationToken cancellationToken = default)
    {
        var result = await cluster.InferAsync(model, originDevice, inputs, outputNames, requestId).WaitAsync(cancellationToken);
        return new InferenceOutcome(result.RequestId, originDevice, result.Outputs.Select(o => o.ToNamedTensor()).ToArray(), result.TraceId, result.Hops);
    }
}
