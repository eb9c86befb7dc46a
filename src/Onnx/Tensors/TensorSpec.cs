using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeCluster.Onnx.Tensors;

/// <summary>One dimension of a declared tensor shape: a fixed size, a named symbol, or unknown.</summary>
/// <param name="Size">The fixed size, or -1 when the dimension is symbolic or unknown.</param>
/// <param name="Symbol">The symbolic name (dim_param) when there is one.</param>
public readonly record struct TensorDimension(long Size, string? Symbol)
{
    public bool IsFixed => Size >= 0;

    public override string ToString() => IsFixed ? Size.ToString(System.Globalization.CultureInfo.InvariantCulture) : Symbol ?? "?";
}

/// <summary>A declared graph input or output: name, element type and (possibly symbolic) shape.</summary>
public sealed record TensorSpec(string Name, TensorElementType ElementType, IReadOnlyList<TensorDimension> Shape)
{
    public override string ToString() => $"{Name}: {ElementType}[{string.Join(",", Shape)}]";
}
