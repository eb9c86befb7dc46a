using EdgeCluster.Grains.Interfaces.Tensors;

namespace EdgeCluster.Grains.Interfaces.Inference;

/// <summary>
/// A request as it enters the pipeline on its origin device. <paramref name="OutputNames"/> empty
/// means every model output.
/// </summary>
[GenerateSerializer, Immutable, Alias("edgecluster.inference-request")]
public sealed record InferenceRequest(
    [property: Id(0)] string RequestId,
    [property: Id(1)] string Deployment,
    [property: Id(2)] string OriginDevice,
    [property: Id(3)] TensorPayload[] Inputs,
    [property: Id(4)] string[] OutputNames);
