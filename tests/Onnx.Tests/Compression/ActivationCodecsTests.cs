using EdgeCluster.Onnx.Compression;
using EdgeCluster.Onnx.Tensors;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeCluster.Onnx.Tests.Compression;

public sealed class ActivationCodecsTests
{
    [Theory]
    [InlineData("none", ActivationCodec.None)]
    [InlineData("FP16", ActivationCodec.Fp16)]
    [InlineData(" int8 ", ActivationCodec.Int8)]
    public void Parse_AcceptsTheCommandLineNames(string text, ActivationCodec expected) =>
        Assert.Equal(expected, ActivationCodecs.Parse(text));

    [Fact]
    public void Parse_RejectsAnUnknownNameListingTheValidOnes()
    {
        var error = Assert.Throws<ArgumentException>(() => ActivationCodecs.Parse("bf16"));

        Assert.StartsWith("'bf16' is not an activation codec; use one of none, fp16, int8.", error.Message);
    }

    [Theory]
    [InlineData(ActivationCodec.Fp16)]
    [InlineData(ActivationCodec.Int8)]
    public void NonFloatTensor_TravelsUnchanged(ActivationCodec codec)
    {
        var tensor = new NamedTensor("ids", TensorElementType.Int64, [2], BitConverter.GetBytes(7L).Concat(BitConverter.GetBytes(-1L)).ToArray());

        var encoded = ActivationCodecs.Encode(tensor, codec);

        Assert.Equal(ActivationCodec.None, encoded.Codec);
        Assert.Same(tensor.Data, encoded.Data);
        Assert.Equal(tensor, ActivationCodecs.Decode(encoded));
    }

    [Fact]
    public void FloatTensorWithWrongByteCount_IsRejected()
    {
        var tensor = new NamedTensor("x", TensorElementType.Float, [3], new byte[8]);

        var error = Assert.Throws<ArgumentException>(() => ActivationCodecs.Encode(tensor, ActivationCodec.Int8));

        Assert.StartsWith("Tensor 'x' has 8 bytes but shape [3] of Float needs 12.", error.Message);
    }

    [Theory]
    [InlineData(ActivationCodec.None, 4096)]
    [InlineData(ActivationCodec.Fp16, 2048)]
    [InlineData(ActivationCodec.Int8, 1032)]
    public void CodecError_ReportsBytesAndAccuracy(ActivationCodec codec, long wireBytes)
    {
        var values = Int8AffineCodecTests.Values(1024, seed: 9, low: 0, high: 4);

        var error = CodecError.Measure(NamedTensor.FromFloats("x", [1024], values), codec);

        Assert.Equal(codec, error.Codec);
        Assert.Equal(4096, error.RawBytes);
        Assert.Equal(wireBytes, error.WireBytes);
        Assert.InRange(error.MaxAbsDiff, 0, codec == ActivationCodec.Int8 ? 4.0 / 255 / 2 * 1.0001 : 4 * Math.Pow(2, -11));
        Assert.InRange(error.CosineSimilarity, codec == ActivationCodec.None ? 1 - 1e-12 : 0.9999, 1 + 1e-12);
    }
}
