using EdgeCluster.Onnx.Compression;
using EdgeCluster.Onnx.Tensors;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeCluster.Onnx.Tests.Compression;

public sealed class Int8AffineCodecTests
{
    [Fact]
    public void KnownTensor_GetsTheOnnxQuantizeLinearCodes()
    {
        var tensor = NamedTensor.FromFloats("x", [5], [-1f, 0f, 0.5f, 1f, 3f]);

        var encoded = ActivationCodecs.Encode(tensor, ActivationCodec.Int8);

        Assert.Equal(ActivationCodec.Int8, encoded.Codec);
        Assert.Equal(4f / 255f, encoded.Scale);
        Assert.Equal(64, encoded.ZeroPoint);
        Assert.Equal(new byte[] { 0, 64, 96, 128, 255 }, encoded.Data);
        var decoded = ActivationCodecs.Decode(encoded).AsFloats().ToArray();
        Assert.Equal(new[] { -64 * (4f / 255f), 0f, 32 * (4f / 255f), 64 * (4f / 255f), 191 * (4f / 255f) }, decoded);
    }

    [Fact]
    public void RandomTensor_VectorPathMatchesTheScalarFormula_AndStaysWithinHalfAScale()
    {
        // 32 * 31 + 7 elements: the vector loop and the scalar tail both run.
        var values = Values(1_000 + 7, seed: 3, low: -2.5, high: 6.0);
        var tensor = NamedTensor.FromFloats("x", [values.Length], values);

        var encoded = ActivationCodecs.Encode(tensor, ActivationCodec.Int8);
        var decoded = ActivationCodecs.Decode(encoded).AsFloats();

        for (var i = 0; i < values.Length; i++)
        {
            var expected = (byte)Math.Clamp(MathF.Round(values[i] / encoded.Scale) + encoded.ZeroPoint, 0f, 255f);
            Assert.Equal(expected, encoded.Data[i]);
            Assert.True(Math.Abs(values[i] - decoded[i]) <= (encoded.Scale / 2) * 1.0001, $"element {i}: {values[i]} decoded as {decoded[i]}, scale {encoded.Scale}");
        }
    }

    [Fact]
    public void Int8_SendsOneByteAPerElementPlusScaleAndZeroPoint()
    {
        var tensor = NamedTensor.FromFloats("x", [4, 256], Values(1024, seed: 1, low: 0, high: 1));

        var encoded = ActivationCodecs.Encode(tensor, ActivationCodec.Int8);

        Assert.Equal(1024, encoded.Data.Length);
        Assert.Equal(1024 + EncodedTensor.AffineHeaderBytes, encoded.WireBytes);
        Assert.Equal((tensor.Data.Length / 4) + 8, encoded.WireBytes);
        Assert.Equal(1024 + 8, ActivationCodecs.WireBytes(ActivationCodec.Int8, TensorElementType.Float, 1024));
    }

    [Fact]
    public void AllZeros_DecodeExactly()
    {
        var tensor = NamedTensor.FromFloats("zeros", [3, 3], new float[9]);

        var encoded = ActivationCodecs.Encode(tensor, ActivationCodec.Int8);

        Assert.Equal((1f, 0), (encoded.Scale, encoded.ZeroPoint));
        Assert.Equal(new byte[9], encoded.Data);
        Assert.Equal(new float[9], ActivationCodecs.Decode(encoded).AsFloats().ToArray());
    }

    [Theory]
    [InlineData(2.5f, 0, 255)]
    [InlineData(-3f, 255, 0)]
    public void ConstantTensor_MapsToAnEndOfTheRange(float value, int zeroPoint, byte code)
    {
        var tensor = NamedTensor.FromFloats("c", [40], Enumerable.Repeat(value, 40).ToArray());

        var encoded = ActivationCodecs.Encode(tensor, ActivationCodec.Int8);

        Assert.Equal(Math.Abs(value) / 255f, encoded.Scale);
        Assert.Equal(zeroPoint, encoded.ZeroPoint);
        Assert.All(encoded.Data, b => Assert.Equal(code, b));
        Assert.All(ActivationCodecs.Decode(encoded).AsFloats().ToArray(), v => Assert.Equal(value, v, 1e-6f));
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void NonFiniteValue_TravelsUncompressedAndUnchanged(float odd)
    {
        var tensor = NamedTensor.FromFloats("odd", [4], [1f, odd, -2f, 0.25f]);

        var encoded = ActivationCodecs.Encode(tensor, ActivationCodec.Int8);
        var decoded = ActivationCodecs.Decode(encoded);

        Assert.Equal(ActivationCodec.None, encoded.Codec);
        Assert.Equal(16, encoded.WireBytes);
        Assert.Equal(tensor.Data, decoded.Data);
    }

    [Fact]
    public void EmptyTensor_RoundTripsToEmpty()
    {
        var tensor = NamedTensor.FromFloats("empty", [0, 8], []);

        var encoded = ActivationCodecs.Encode(tensor, ActivationCodec.Int8);
        var decoded = ActivationCodecs.Decode(encoded);

        Assert.Equal(ActivationCodec.Int8, encoded.Codec);
        Assert.Empty(encoded.Data);
        Assert.Empty(decoded.Data);
        Assert.Equal(new long[] { 0, 8 }, decoded.Shape);
    }

    [Fact]
    public void CorruptCodes_AreRejectedNamingTheTensor()
    {
        var encoded = new EncodedTensor("act", TensorElementType.Float, [10], ActivationCodec.Int8, new byte[9], 0.1f, 3);

        var error = Assert.Throws<InvalidDataException>(() => ActivationCodecs.Decode(encoded));

        Assert.Equal("Tensor 'act' encoded as int8 has 9 bytes but shape [10] needs 10.", error.Message);
    }

    [Theory]
    [InlineData(0f, 0)]
    [InlineData(float.NaN, 0)]
    [InlineData(0.5f, 256)]
    public void BadScaleOrZeroPoint_IsRejected(float scale, int zeroPoint)
    {
        var encoded = new EncodedTensor("act", TensorElementType.Float, [2], ActivationCodec.Int8, new byte[2], scale, zeroPoint);

        var error = Assert.Throws<InvalidDataException>(() => ActivationCodecs.Decode(encoded));

        Assert.StartsWith($"Tensor 'act' encoded as int8 has scale {scale} and zero point {zeroPoint}", error.Message);
    }

    internal static float[] Values(int count, int seed, double low, double high)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(low + (random.NextDouble() * (high - low)))).ToArray();
    }
}
