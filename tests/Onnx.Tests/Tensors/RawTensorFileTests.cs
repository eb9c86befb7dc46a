using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Onnx.Tests.Tensors;

public sealed class RawTensorFileTests
{
    [Fact]
    public void ReadFloat32_ReadsLittleEndianFloats()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, [.. BitConverter.GetBytes(1.5f), .. BitConverter.GetBytes(-2f)]);
            var tensor = RawTensorFile.ReadFloat32(path, "r", [1, 2]);
            Assert.Equal("r", tensor.Name);
            Assert.Equal([1L, 2], tensor.Shape);
            Assert.Equal([1.5f, -2f], tensor.AsFloats().ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ReadFloat32_LengthMismatch_IsRejected()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, new byte[10]);
            var e = Assert.Throws<InvalidDataException>(() => RawTensorFile.ReadFloat32(path, "r", [1, 2]));
            Assert.Equal($"{path} holds 10 bytes but a float32 tensor of shape [1,2] needs 8.", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
