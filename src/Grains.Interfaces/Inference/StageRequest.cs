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
    [property: Id(6)] string[] OutputNames)
{
    /// <summary>
    /// Set by the origin when it waits for the last stage to hand it the result directly (see <see cref="OriginAnswer"/>);
    /// null: the result goes back up the chain of stages.
    /// </summary>
    [Id(7)]
    public string? AnswerToken { get; init; }

    /// <summary>The hops of the stages before this one, for a result handed straight to the origin.</summary>
    [Id(8)]
    public StageHop[] UpstreamHops { get; init; } = [];

    /// <summary>Stage calls repeated before this one reached its device; the last stage reports it in the result.</summary>
    [Id(9)]
    public int Retries { get; init; }
}
