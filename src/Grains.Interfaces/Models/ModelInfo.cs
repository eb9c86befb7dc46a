using EdgeCluster.Grains.Interfaces.Tensors;

namespace EdgeCluster.Grains.Interfaces.Models;

/// <summary>A registered model: its content address and declared signature.</summary>
[GenerateSerializer, Immutable, Alias("edgecluster.model-info")]
public sealed record ModelInfo(
    [property: Id(0)] string Name,
    [property: Id(1)] string Sha256,
    [property: Id(2)] long SizeBytes,
    [property: Id(3)] TensorSignature[] Inputs,
    [property: Id(4)] TensorSignature[] Outputs,
    [property: Id(5)] long OpsetVersion,
    [property: Id(6)] long IrVersion,
    [property: Id(7)] int NodeCount,
    [property: Id(8)] DateTimeOffset RegisteredAt);
