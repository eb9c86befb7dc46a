using EdgeCluster.Onnx.Runtime;
using EdgeCluster.Onnx.Tensors;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeCluster.Onnx.Batching;

/// <summary>
/// Checks that a stage model runs batches exactly: every input and output carries the same symbol on axis 0, and two
/// requests run as one batch give each the output it gets alone. A graph may keep a symbolic axis 0 and still mix
/// rows (a reduction over every axis, a reshape that folds the batch away); only running it can tell.
/// </summary>
public static class BatchSupport
{
    // Batched kernels may sum in another order; anything beyond this is a real difference, not rounding.
    private const double RelativeTolerance = 1e-4;

    /// <summary>Null when the stage batches; otherwise why not, in a sentence.</summary>
    public static string? WhyNot(byte[] stageModel)
    {
        using var session = new ShardSession(stageModel);
        var symbol = AxisSymbol(session.Inputs, "input", out var problem);
        if (symbol is null)
        {
            return problem;
        }

        var outputSymbol = AxisSymbol(session.Outputs, "output", out problem);
        if (outputSymbol != symbol)
        {
            return problem ?? $"its outputs' first axis is '{outputSymbol}', not the inputs' '{symbol}'";
        }

        var dims = new Dictionary<string, long>(StringComparer.Ordinal) { [symbol] = 1 };
        var first = DeterministicInputs.Create(session.Inputs, seed: 1, dims);
        var second = DeterministicInputs.Create(session.Inputs, seed: 2, dims);
        IReadOnlyList<NamedTensor> alone1, alone2, together;
        try
        {
            alone1 = session.Run(first);
            alone2 = session.Run(second);
            together = session.Run(BatchAssembly.Stack([first, second]));
        }
        catch (Exception exception) when (exception is InvalidInputException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            return $"a batch of two does not run: {exception.Message}";
        }

        for (var i = 0; i < together.Count; i++)
        {
            if (together[i].Shape.Length == 0 || together[i].Shape[0] != 2)
            {
                return $"output '{together[i].Name}' of a batch of two has shape {ShapeMath.Format(together[i].Shape)}";
            }

            foreach (var (alone, row) in new[] { (alone1[i], 0L), (alone2[i], 1L) })
            {
                var part = BatchAssembly.Slice(together[i], 2, row, 1);
                if (!Same(alone, part))
                {
                    return $"output '{alone.Name}' of a batch of two differs from the same requests run alone";
                }
            }
        }

        return null;
    }

    private static string? AxisSymbol(IReadOnlyList<TensorSpec> specs, string role, out string? problem)
    {
        problem = null;
        string? symbol = null;
        foreach (var spec in specs)
        {
            if (spec.Shape.Count == 0 || spec.Shape[0].IsFixed || spec.Shape[0].Symbol is null)
            {
                problem = $"{role} '{spec.Name}' has no symbolic first axis ({spec})";
                return null;
            }

            if (symbol is not null && symbol != spec.Shape[0].Symbol)
            {
                problem = $"the {role}s' first axes name different symbols ('{symbol}', '{spec.Shape[0].Symbol}')";
                return null;
            }

            symbol = spec.Shape[0].Symbol;
        }

        return symbol;
    }

    private static bool Same(NamedTensor alone, NamedTensor part)
    {
        if (!alone.Shape.AsSpan().SequenceEqual(part.Shape))
        {
            return false;
        }

        return alone.ElementType is TensorElementType.Float or TensorElementType.Double or TensorElementType.Float16 or TensorElementType.BFloat16
            ? TensorComparison.MaxAbsDiff(alone, part) <= RelativeTolerance * Math.Max(1.0, TensorComparison.MaxAbs(alone))
            : alone.Data.AsSpan().SequenceEqual(part.Data);
    }
}
