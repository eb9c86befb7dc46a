using Onnx;

namespace EdgeCluster.Onnx.Batching;

/// <summary>
/// Makes axis 0 of a model a symbolic batch dimension, so its stages can run several requests as one: every graph
/// input (and output) of size 1 on axis 0 takes the symbol <see cref="Symbol"/> (an input already symbolic there keeps
/// its own symbol), and declared intermediate shapes of size 1 on axis 0 are dropped, so the partitioner's shape probe
/// measures which tensors follow the batch. Whether a stage really batches is checked on the stage
/// (<see cref="BatchSupport"/>): a graph that reshapes to a hard-coded batch of 1 still runs, one request at a time.
/// </summary>
public static class BatchDimension
{
    public const string Symbol = "batch";

    /// <summary>A rewritten copy; throws <see cref="InvalidModelException"/> naming the first input with no batch axis.</summary>
    public static ModelProto MakeSymbolic(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var copy = model.Clone();
        var graph = copy.Graph;
        var initializers = graph.Initializer.Select(i => i.Name).Concat(graph.SparseInitializer.Select(s => s.Values.Name)).ToHashSet(StringComparer.Ordinal);
        var inputs = graph.Input.Where(i => !initializers.Contains(i.Name)).ToArray();
        var symbol = InputSymbol(inputs);
        foreach (var input in inputs)
        {
            input.Type.TensorType.Shape.Dim[0] = new TensorShapeProto.Types.Dimension { DimParam = symbol };
        }

        foreach (var output in graph.Output)
        {
            if (FirstAxis(output) is { HasDimValue: true, DimValue: 1 })
            {
                output.Type.TensorType.Shape.Dim[0] = new TensorShapeProto.Types.Dimension { DimParam = symbol };
            }
        }

        var declared = graph.ValueInfo.Where(v => FirstAxis(v) is not { HasDimValue: true, DimValue: 1 }).ToArray();
        graph.ValueInfo.Clear();
        graph.ValueInfo.AddRange(declared);
        return copy;
    }

    /// <summary>The symbol the inputs' axis 0 shares: their own when they already name one, else <see cref="Symbol"/>.</summary>
    private static string InputSymbol(IReadOnlyList<ValueInfoProto> inputs)
    {
        if (inputs.Count == 0)
        {
            throw new InvalidModelException("The model has no inputs to batch.");
        }

        var symbols = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            var axis = FirstAxis(input)
                ?? throw new InvalidModelException($"Input '{input.Name}' has no batch axis: it is a scalar or declares no shape.");
            if (axis.HasDimParam && axis.DimParam.Length > 0)
            {
                symbols.Add(axis.DimParam);
            }
            else if (!axis.HasDimValue || axis.DimValue != 1)
            {
                throw new InvalidModelException(
                    $"Input '{input.Name}' has no batch axis: its first dimension is {(axis.HasDimValue ? axis.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture) : "unnamed")}, not 1 or a symbol.");
            }
        }

        return symbols.Count switch
        {
            0 => Symbol,
            1 => symbols.First(),
            _ => throw new InvalidModelException($"The inputs' first dimensions name different symbols ({string.Join(", ", symbols.Order(StringComparer.Ordinal))}); one batch axis is needed."),
        };
    }

    private static TensorShapeProto.Types.Dimension? FirstAxis(ValueInfoProto value) =>
        value.Type?.TensorType?.Shape is { Dim.Count: > 0 } shape ? shape.Dim[0] : null;
}
