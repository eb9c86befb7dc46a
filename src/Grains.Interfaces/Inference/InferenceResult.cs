using EdgeCluster.Grains.Interfaces.Tensors;

namespace EdgeCluster.Grains.Interfaces.Inference;

/// <summary>The final outputs, every hop the request took in stage order, and the W3C trace id it was traced under.</summary>
[GenerateSerializer, Immutable, Alias("edgecluster.inference-result")]
public sealed record InferenceResult(
    [property: Id(0)] string RequestId,
    [property: Id(1)] TensorPayload[] Outputs,
    [property: Id(2)] StageHop[] Hops)
{
    [Id(3)]
    public string? TraceId { get; init; }

    /// <summary>How often a stage call of this request was repeated after a device failed or left (0: none).</summary>
    [Id(4)]
    public int Retries { get; init; }

    /// <summary>
    /// True on the answer that goes up the chain once the last stage handed the origin the result directly: it carries
    /// no outputs.
    /// </summary>
    [Id(5)]
    public bool AnsweredOrigin { get; init; }
}
