using System.Runtime.InteropServices;
using EdgeCluster.Grains.Inference;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Tensors;

namespace EdgeCluster.Grains.Tests.Compression;

public sealed class ActivationWireTests
{
    private static readonly TensorPayload Floats = new("act", TensorDataType.Float, [2, 2], MemoryMarshal.AsBytes<float>([0f, 1f, 2f, 4f]).ToArray());

    private static readonly TensorPayload Ids = new("ids", TensorDataType.Int64, [1], BitConverter.GetBytes(42L));

    [Fact]
    public void Int8_EncodesFloatPayloadsOnly_AndDecodesThemBack()
    {
        var encoded = ActivationWire.Encode([Floats, Ids], TensorEncoding.Int8);

        Assert.Equal(TensorEncoding.Int8, encoded[0].Encoding);
        // 2 / scale is 127.49999 in float (4/255 is not exact), so it rounds down, as ONNX QuantizeLinear does.
        Assert.Equal(new byte[] { 0, 64, 127, 255 }, encoded[0].Data);
        Assert.Equal((4f / 255f, 0), (encoded[0].Scale, encoded[0].ZeroPoint));
        Assert.Same(Ids, encoded[1]);

        var decoded = ActivationWire.Decode(encoded);

        Assert.Equal(TensorEncoding.None, decoded[0].Encoding);
        Assert.Equal(new long[] { 2, 2 }, decoded[0].Shape);
        Assert.Equal([0f, 64 * (4f / 255f), 127 * (4f / 255f), 255 * (4f / 255f)], MemoryMarshal.Cast<byte, float>(decoded[0].Data).ToArray());
        Assert.Same(Ids, decoded[1]);
    }

    [Fact]
    public void None_LeavesTheBagAsItIs()
    {
        TensorPayload[] bag = [Floats, Ids];

        Assert.Same(bag, ActivationWire.Encode(bag, TensorEncoding.None));
        Assert.Same(bag, ActivationWire.Decode(bag));
    }

    [Fact]
    public void EncodedPayloadOfTheWrongSize_IsAnInvalidArgument()
    {
        var broken = Floats with { Encoding = TensorEncoding.Float16, Data = new byte[6] };

        var error = Assert.Throws<EdgeClusterException>(() => ActivationWire.Decode([broken]));

        Assert.Equal(EdgeClusterErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("Tensor 'act' encoded as fp16 has 6 bytes but shape [2,2] needs 8.", error.Message);
    }

    [Fact]
    public void EncodedPayload_CannotBeReadAsATensorBeforeDecoding()
    {
        var encoded = ActivationWire.Encode([Floats], TensorEncoding.Float16)[0];

        var error = Assert.Throws<InvalidOperationException>(() => encoded.ToNamedTensor());

        Assert.Equal("Tensor 'act' is still encoded as Float16; decode it with ActivationWire first.", error.Message);
    }
}
