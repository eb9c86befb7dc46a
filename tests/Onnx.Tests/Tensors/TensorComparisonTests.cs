using System.Runtime.InteropServices;
using EdgeCluster.Onnx.Tensors;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeCluster.Onnx.Tests.Tensors;

public sealed class TensorComparisonTests
{
    [Fact]
    public void MaxAbsDiff_Float()
    {
        var a = NamedTensor.FromFloats("a", [3], [1f, 2f, 3f]);
        var b = NamedTensor.FromFloats("b", [3], [1f, 2.5f, 1f]);
        Assert.Equal(2.0, TensorComparison.MaxAbsDiff(a, b));
    }

    [Fact]
    public void MaxAbsDiff_DoubleAndHalf()
    {
        var a = new NamedTensor("a", TensorElementType.Double, [2], MemoryMarshal.AsBytes<double>([0.25, -1]).ToArray());
        var b = new NamedTensor("b", TensorElementType.Double, [2], MemoryMarshal.AsBytes<double>([0.5, -1]).ToArray());
        Assert.Equal(0.25, TensorComparison.MaxAbsDiff(a, b));

        var h1 = new NamedTensor("h", TensorElementType.Float16, [2], MemoryMarshal.AsBytes<Half>([(Half)1, (Half)(-3)]).ToArray());
        var h2 = new NamedTensor("h", TensorElementType.Float16, [2], MemoryMarshal.AsBytes<Half>([(Half)1.5, (Half)(-3)]).ToArray());
        Assert.Equal(0.5, TensorComparison.MaxAbsDiff(h1, h2));
        Assert.Equal(3.0, TensorComparison.MaxAbs(h1));
    }

    [Fact]
    public void MaxAbs_UsesMagnitude()
    {
        Assert.Equal(4.0, TensorComparison.MaxAbs(NamedTensor.FromFloats("a", [3], [1f, -4f, 3f])));
    }

    [Fact]
    public void CosineSimilarity_KnownValues()
    {
        var x = NamedTensor.FromFloats("x", [2], [1f, 0f]);
        var y = NamedTensor.FromFloats("y", [2], [0f, 1f]);
        var diagonal = NamedTensor.FromFloats("d", [2], [1f, 1f]);
        var opposite = NamedTensor.FromFloats("o", [2], [-2f, 0f]);

        Assert.Equal(0.0, TensorComparison.CosineSimilarity(x, y), 12);
        Assert.Equal(1.0, TensorComparison.CosineSimilarity(x, x), 12);
        Assert.Equal(-1.0, TensorComparison.CosineSimilarity(x, opposite), 12);
        Assert.Equal(Math.Sqrt(0.5), TensorComparison.CosineSimilarity(x, diagonal), 12);
    }

    [Fact]
    public void ShapeMismatch_Throws()
    {
        var a = NamedTensor.FromFloats("a", [2, 1], [1f, 2f]);
        var b = NamedTensor.FromFloats("b", [1, 2], [1f, 2f]);
        var e = Assert.Throws<ArgumentException>(() => TensorComparison.MaxAbsDiff(a, b));
        Assert.Equal("Cannot compare 'a' [2,1] with 'b' [1,2]: shapes differ.", e.Message);
    }

    [Fact]
    public void TypeMismatch_Throws()
    {
        var a = NamedTensor.FromFloats("a", [1], [1f]);
        var b = new NamedTensor("b", TensorElementType.Double, [1], BitConverter.GetBytes(1.0));
        var e = Assert.Throws<ArgumentException>(() => TensorComparison.CosineSimilarity(a, b));
        Assert.Equal("Cannot compare 'a' (Float) with 'b' (Double): element types differ.", e.Message);
    }

    [Fact]
    public void IntegerTensor_Throws()
    {
        var a = new NamedTensor("i", TensorElementType.Int32, [1], BitConverter.GetBytes(1));
        Assert.Throws<ArgumentException>(() => TensorComparison.MaxAbs(a));
    }
}
