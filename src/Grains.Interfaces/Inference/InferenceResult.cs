using EdgeCluster.Grains.Interfaces.Tensors;

namespace EdgeCluster.Grains.Interfaces.Inference;

/// <summary>The final outputs and, in stage order, every hop the request took.</summary>
[GenerateSerializer, Immutable, Alias("edgecluster.inference-result")]
public sealed record InferenceResult(
    [property: Id(0)] string RequestId,
    [property: Id(1)] TensorPayload[] Outputs,
    [property: Id(2)] StageHop[] Hops);
