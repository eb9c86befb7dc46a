using System.Buffers.Binary;
using EdgeCluster.Onnx.Compression;
using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Onnx.Tests.Compression;

public sealed class Float16CodecTests
{
    [Fact]
    public void RepresentableValues_RoundTripExactly_AsIeeeHalfBits()
    {
        var tensor = NamedTensor.FromFloats("x", [5], [0f, 1f, -2f, 0.5f, 65504f]);

        var encoded = ActivationCodecs.Encode(tensor, ActivationCodec.Fp16);

        Assert.Equal(ActivationCodec.Fp16, encoded.Codec);
        Assert.Equal(10, encoded.WireBytes);
        Assert.Equal(
            new ushort[] { 0x0000, 0x3C00, 0xC000, 0x3800, 0x7BFF },
            Enumerable.Range(0, 5).Select(i => BinaryPrimitives.ReadUInt16LittleEndian(encoded.Data.AsSpan(i * 2))).ToArray());
        Assert.Equal(tensor.Data, ActivationCodecs.Decode(encoded).Data);
    }

    [Fact]
    public void RandomValues_StayWithinHalfPrecision()
    {
        var values = Int8AffineCodecTests.Values(4_099, seed: 5, low: -300, high: 300);
        var tensor = NamedTensor.FromFloats("x", [values.Length], values);

        var decoded = ActivationCodecs.Decode(ActivationCodecs.Encode(tensor, ActivationCodec.Fp16)).AsFloats();

        for (var i = 0; i < values.Length; i++)
        {
            // Round to nearest with an 11-bit significand: relative error at most 2^-11, or 2^-25 absolute among subnormals.
            var bound = Math.Max(Math.Abs(values[i]) * Math.Pow(2, -11), Math.Pow(2, -25));
            Assert.True(Math.Abs(values[i] - decoded[i]) <= bound, $"element {i}: {values[i]} decoded as {decoded[i]}");
        }
    }

    [Fact]
    public void NaNAndInfinities_KeepTheirMeaning()
    {
        var tensor = NamedTensor.FromFloats("x", [3], [float.NaN, float.PositiveInfinity, 1f]);

        var encoded = ActivationCodecs.Encode(tensor, ActivationCodec.Fp16);
        var decoded = ActivationCodecs.Decode(encoded).AsFloats().ToArray();

        Assert.Equal(ActivationCodec.Fp16, encoded.Codec);
        Assert.True(float.IsNaN(decoded[0]));
        Assert.Equal(float.PositiveInfinity, decoded[1]);
        Assert.Equal(1f, decoded[2]);
    }

    [Theory]
    [InlineData(70_000f)]
    [InlineData(-65_520f)]
    public void ValueBeyondTheHalfRange_TravelsUncompressed(float large)
    {
        var tensor = NamedTensor.FromFloats("x", [3], [1f, float.PositiveInfinity, large]);

        var encoded = ActivationCodecs.Encode(tensor, ActivationCodec.Fp16);

        Assert.Equal(ActivationCodec.None, encoded.Codec);
        Assert.Equal(tensor.Data, ActivationCodecs.Decode(encoded).Data);
    }
}
