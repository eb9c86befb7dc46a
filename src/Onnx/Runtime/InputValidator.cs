using EdgeCluster.Onnx.Tensors;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeCluster.Onnx.Runtime;

/// <summary>Checks tensors against declared inputs before they reach ONNX Runtime, whose errors are terse.</summary>
internal static class InputValidator
{
    /// <summary>Returns the inputs ordered like <paramref name="specs"/>; throws <see cref="InvalidInputException"/> on any mismatch.</summary>
    public static NamedTensor[] Validate(IReadOnlyList<TensorSpec> specs, IReadOnlyList<NamedTensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var byName = new Dictionary<string, NamedTensor>(StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            ArgumentNullException.ThrowIfNull(input);
            if (!specs.Any(s => s.Name == input.Name))
            {
                throw new InvalidInputException(
                    $"Input '{input.Name}' is not an input of the model; it expects {Describe(specs)}.", input.Name);
            }

            if (!byName.TryAdd(input.Name, input))
            {
                throw new InvalidInputException($"Input '{input.Name}' is given more than once.", input.Name);
            }
        }

        var ordered = new NamedTensor[specs.Count];
        for (var i = 0; i < specs.Count; i++)
        {
            var spec = specs[i];
            if (!byName.TryGetValue(spec.Name, out var tensor))
            {
                throw new InvalidInputException($"Input '{spec.Name}' is missing; the model expects {spec}.", spec.Name);
            }

            CheckTensor(spec, tensor);
            ordered[i] = tensor;
        }

        return ordered;
    }

    private static void CheckTensor(TensorSpec spec, NamedTensor tensor)
    {
        if (tensor.ElementType == TensorElementType.String || spec.ElementType == TensorElementType.String)
        {
            throw new InvalidInputException($"Input '{spec.Name}': string tensors are not supported.", spec.Name);
        }

        if (tensor.ElementType != spec.ElementType)
        {
            throw new InvalidInputException(
                $"Input '{spec.Name}' is {tensor.ElementType} but the model expects {spec.ElementType}.", spec.Name);
        }

        ArgumentNullException.ThrowIfNull(tensor.Shape);
        ArgumentNullException.ThrowIfNull(tensor.Data);
        var shapeMatches = tensor.Shape.Length == spec.Shape.Count;
        for (var d = 0; shapeMatches && d < tensor.Shape.Length; d++)
        {
            var expected = spec.Shape[d];
            shapeMatches = tensor.Shape[d] >= 0 && (!expected.IsFixed || expected.Size == tensor.Shape[d]);
        }

        if (!shapeMatches)
        {
            throw new InvalidInputException(
                $"Input '{spec.Name}' has shape {ShapeMath.Format(tensor.Shape)} but the model expects [{string.Join(",", spec.Shape)}].",
                spec.Name);
        }

        var expectedBytes = checked(tensor.ElementCount * ShapeMath.ElementSize(tensor.ElementType));
        if (tensor.Data.LongLength != expectedBytes)
        {
            throw new InvalidInputException(
                $"Input '{spec.Name}' has {tensor.Data.LongLength} data bytes but shape {ShapeMath.Format(tensor.Shape)} of {tensor.ElementType} needs {expectedBytes}.",
                spec.Name);
        }
    }

    private static string Describe(IReadOnlyList<TensorSpec> specs) => string.Join(", ", specs);
}
