namespace EdgeCluster.Grains.Interfaces.Tensors;

/// <summary>A declared model input or output; dimensions are sizes or symbol names ("batch", "?").</summary>
[GenerateSerializer, Immutable, Alias("edgecluster.tensor-signature")]
public sealed record TensorSignature(
    [property: Id(0)] string Name,
    [property: Id(1)] TensorDataType DataType,
    [property: Id(2)] string[] Dimensions)
{
    public override string ToString() => $"{Name}: {DataType}[{string.Join(",", Dimensions)}]";
}
