namespace EdgeCluster.Grains.Interfaces.Inference;

/// <summary>
/// A request's whole result, handed by its last stage straight to the origin device that waits for it under
/// <paramref name="Token"/>, instead of back through every stage before it.
/// </summary>
[GenerateSerializer, Immutable, Alias("edgecluster.origin-answer")]
public sealed record OriginAnswer(
    [property: Id(0)] string Token,
    [property: Id(1)] InferenceResult Result);
