using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Onnx.Compression;

/// <summary>What a codec did to one tensor: its error against the exact values and the bytes it saved.</summary>
/// <param name="MaxAbsDiff">Largest |exact - decoded| (NaN when a NaN sits where the other side has a number).</param>
/// <param name="CosineSimilarity">Cosine of the angle between exact and decoded, flattened.</param>
/// <param name="RawBytes">Bytes of the exact tensor.</param>
/// <param name="WireBytes">Bytes of the encoded tensor, metadata included.</param>
public sealed record CodecError(ActivationCodec Codec, double MaxAbsDiff, double CosineSimilarity, long RawBytes, long WireBytes)
{
    /// <summary>Encodes and decodes <paramref name="exact"/> with <paramref name="codec"/> and compares the result with it.</summary>
    public static CodecError Measure(NamedTensor exact, ActivationCodec codec)
    {
        ArgumentNullException.ThrowIfNull(exact);
        var encoded = ActivationCodecs.Encode(exact, codec);
        return Compare(exact, ActivationCodecs.Decode(encoded), encoded.Codec, encoded.WireBytes);
    }

    /// <summary>Compares a decoded (or otherwise approximated) tensor with the exact one.</summary>
    public static CodecError Compare(NamedTensor exact, NamedTensor decoded, ActivationCodec codec, long wireBytes)
    {
        ArgumentNullException.ThrowIfNull(exact);
        ArgumentNullException.ThrowIfNull(decoded);
        return new CodecError(
            codec,
            TensorComparison.MaxAbsDiff(exact, decoded),
            TensorComparison.CosineSimilarity(exact, decoded),
            exact.Data.LongLength,
            wireBytes);
    }
}
