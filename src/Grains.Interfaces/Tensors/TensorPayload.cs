namespace EdgeCluster.Grains.Interfaces.Tensors;

/// <summary>
/// A named dense tensor as one block of little-endian bytes. Immutable, so Orleans passes it by
/// reference between grains of one silo instead of deep-copying activations.
/// </summary>
[GenerateSerializer, Immutable, Alias("edgecluster.tensor")]
public sealed record TensorPayload(
    [property: Id(0)] string Name,
    [property: Id(1)] TensorDataType DataType,
    [property: Id(2)] long[] Shape,
    [property: Id(3)] byte[] Data)
{
    public long ByteCount => Data.LongLength;

    public static long TotalBytes(IEnumerable<TensorPayload> tensors) => tensors.Sum(t => t.Data.LongLength);
}
