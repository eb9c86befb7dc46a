using EdgeCluster.Grains.Interfaces.Tensors;

namespace EdgeCluster.Grains.Interfaces.Inference;

/// <summary>What one stage hands the next: the request's identity and the tensors still needed downstream.</summary>
[GenerateSerializer, Immutable, Alias("edgecluster.stage-request")]
public sealed record StageRequest(
    [property: Id(0)] string RequestId,
    [property: Id(1)] string Deployment,
    [property: Id(2)] int Stage,
    [property: Id(3)] int RouteVersion,
    [property: Id(4)] string OriginDevice,
    [property: Id(5)] TensorPayload[] Tensors,
    [property: Id(6)] string[] OutputNames);
