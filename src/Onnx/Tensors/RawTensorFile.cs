namespace EdgeCluster.Onnx.Tensors;

/// <summary>Headerless tensor files: the element bytes only, shape supplied by the caller.</summary>
public static class RawTensorFile
{
    /// <summary>Reads raw little-endian float32 data; the file length must equal the shape's element count times 4.</summary>
    public static NamedTensor ReadFloat32(string path, string name, long[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var expected = checked(ShapeMath.ElementCount(shape) * sizeof(float));
        var length = new FileInfo(path).Length;
        if (length != expected)
        {
            throw new InvalidDataException(
                $"{path} holds {length} bytes but a float32 tensor of shape {ShapeMath.Format(shape)} needs {expected}.");
        }

        return new NamedTensor(name, Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float, (long[])shape.Clone(), File.ReadAllBytes(path));
    }
}
