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
    /// <summary>How <see cref="Data"/> is encoded; <see cref="DataType"/> and <see cref="Shape"/> describe the decoded tensor.</summary>
    [Id(4)]
    public TensorEncoding Encoding { get; init; }

    /// <summary>For <see cref="TensorEncoding.Int8"/>: value = (code - <see cref="ZeroPoint"/>) * Scale.</summary>
    [Id(5)]
    public float Scale { get; init; }

    /// <summary>For <see cref="TensorEncoding.Int8"/>: the code of 0.0.</summary>
    [Id(6)]
    public int ZeroPoint { get; init; }

    /// <summary>
    /// Set when <see cref="Data"/> is empty because the bytes went ahead in <see cref="Inference.ActivationChunk"/>s of this
    /// transfer id (a tensor too large for one message); the receiving device puts them back before using the tensor.
    /// </summary>
    [Id(7)]
    public string? StagedTransfer { get; init; }

    /// <summary>Bytes of <see cref="Data"/> as they travel (encoded, when <see cref="Encoding"/> is not None).</summary>
    public long ByteCount => Data.LongLength;

    public static long TotalBytes(IEnumerable<TensorPayload> tensors) => tensors.Sum(t => t.Data.LongLength);
}
