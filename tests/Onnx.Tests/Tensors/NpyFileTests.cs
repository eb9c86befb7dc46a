using System.Text;
using EdgeCluster.Onnx.Tensors;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeCluster.Onnx.Tests.Tensors;

public sealed class NpyFileTests
{
    public static TheoryData<TensorElementType, string> DTypes => new()
    {
        { TensorElementType.Float, "<f4" }, { TensorElementType.Double, "<f8" }, { TensorElementType.Float16, "<f2" },
        { TensorElementType.Int8, "|i1" }, { TensorElementType.Int16, "<i2" }, { TensorElementType.Int32, "<i4" },
        { TensorElementType.Int64, "<i8" }, { TensorElementType.UInt8, "|u1" }, { TensorElementType.Bool, "|b1" },
    };

    [Theory]
    [MemberData(nameof(DTypes))]
    public void WriteThenRead_RoundTrips(TensorElementType type, string descr)
    {
        var spec = new TensorSpec("t", type, [new(2, null), new(3, null), new(4, null)]);
        var tensor = DeterministicInputs.Create(spec, seed: 3);
        var path = Path.Combine(Path.GetTempPath(), $"npy-{Guid.NewGuid()}.npy");
        try
        {
            NpyFile.Write(path, tensor);
            var bytes = File.ReadAllBytes(path);
            Assert.Contains($"'descr': '{descr}'", Encoding.Latin1.GetString(bytes, 10, 64), StringComparison.Ordinal);

            var read = NpyFile.Read(path, "again");
            Assert.Equal("again", read.Name);
            Assert.Equal(type, read.ElementType);
            Assert.Equal([2L, 3, 4], read.Shape);
            Assert.Equal(tensor.Data, read.Data);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Write_ProducesNumPyHeaderLayout()
    {
        var tensor = NamedTensor.FromFloats("t", [2, 3], [1, 2, 3, 4, 5, 6]);
        using var stream = new MemoryStream();
        NpyFile.Write(stream, tensor);
        var bytes = stream.ToArray();

        Assert.Equal(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, 118, 0 }, bytes[..10]);
        var header = Encoding.Latin1.GetString(bytes, 10, 118);
        Assert.Equal("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }".PadRight(117) + "\n", header);
        Assert.Equal(128 + 24, bytes.Length);
        Assert.Equal(BitConverter.GetBytes(1f), bytes[128..132]);
    }

    [Fact]
    public void Write_OneDimensionalShape_HasTrailingComma()
    {
        using var stream = new MemoryStream();
        NpyFile.Write(stream, NamedTensor.FromFloats("t", [5], new float[5]));
        Assert.Contains("'shape': (5,)", Encoding.Latin1.GetString(stream.ToArray()), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_Version2WithScalarShape()
    {
        var header = "{'descr': '<i8', 'fortran_order': False, 'shape': (), }".PadRight(51) + "\n";
        var bytes = Build(2, header, BitConverter.GetBytes(42L));
        var tensor = NpyFile.Read(new MemoryStream(bytes), "s");
        Assert.Equal(TensorElementType.Int64, tensor.ElementType);
        Assert.Empty(tensor.Shape);
        Assert.Equal(42L, BitConverter.ToInt64(tensor.Data));
    }

    [Fact]
    public void Read_FortranOrder_IsRejected()
    {
        var header = "{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }\n";
        var e = Assert.Throws<InvalidDataException>(() => NpyFile.Read(new MemoryStream(Build(1, header, new byte[4])), "f"));
        Assert.StartsWith("Fortran-order (column-major) .npy arrays are not supported", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_BigEndian_IsRejected()
    {
        var header = "{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }\n";
        var e = Assert.Throws<InvalidDataException>(() => NpyFile.Read(new MemoryStream(Build(1, header, new byte[4])), "f"));
        Assert.Equal(".npy dtype '>f4' is big-endian; only little-endian data is supported.", e.Message);
    }

    [Fact]
    public void Read_TruncatedData_IsRejected()
    {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }\n";
        var e = Assert.Throws<InvalidDataException>(() => NpyFile.Read(new MemoryStream(Build(1, header, new byte[10])), "f"));
        Assert.Equal("The .npy content ended early while reading the [2,2] data (16 bytes).", e.Message);
    }

    [Fact]
    public void Read_NotNpy_IsRejected()
    {
        var e = Assert.Throws<InvalidDataException>(() => NpyFile.Read(new MemoryStream(new byte[16]), "f"));
        Assert.StartsWith("Not an .npy file", e.Message, StringComparison.Ordinal);
    }

    private static byte[] Build(int version, string header, byte[] data)
    {
        using var stream = new MemoryStream();
        stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)version, 0]);
        stream.Write(version == 1 ? BitConverter.GetBytes((ushort)header.Length) : BitConverter.GetBytes((uint)header.Length));
        stream.Write(Encoding.Latin1.GetBytes(header));
        stream.Write(data);
        return stream.ToArray();
    }
}
