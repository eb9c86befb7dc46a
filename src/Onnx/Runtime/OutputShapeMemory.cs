using EdgeCluster.Onnx.Tensors;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeCluster.Onnx.Runtime;

/// <summary>
/// The output types and shapes of a session's last run, by its input shapes and requested outputs: a run with the same
/// input shapes can have ONNX Runtime write straight into the caller's arrays. A model whose output shapes depend on its
/// input values fails ONNX Runtime's own check of a bound output's shape once, and is never bound again.
/// </summary>
internal sealed class OutputShapeMemory
{
    private Entry? _last;
    private volatile bool _unbindable;

    /// <summary>The outputs' types and shapes when the last run had these input shapes and outputs; else null.</summary>
    public (TensorElementType Type, long[] Shape)[]? Recall(NamedTensor[] inputs, IReadOnlyList<string> outputs)
    {
        var last = Volatile.Read(ref _last);
        if (_unbindable || last is null || !outputs.SequenceEqual(last.Outputs, StringComparer.Ordinal) || last.InputShapes.Length != inputs.Length)
        {
            return null;
        }

        for (var i = 0; i < inputs.Length; i++)
        {
            if (!inputs[i].Shape.AsSpan().SequenceEqual(last.InputShapes[i]))
            {
                return null;
            }
        }

        return last.Results;
    }

    public void Remember(NamedTensor[] inputs, IReadOnlyList<string> outputs, IReadOnlyList<NamedTensor> results) =>
        Volatile.Write(ref _last, new Entry(
            inputs.Select(t => t.Shape.ToArray()).ToArray(),
            outputs.ToArray(),
            results.Select(t => (t.ElementType, t.Shape.ToArray())).ToArray()));

    /// <summary>A bound run failed where the same run unbound succeeded: the shapes are not the inputs' alone to decide.</summary>
    public void MarkUnbindable() => _unbindable = true;

    private sealed record Entry(long[][] InputShapes, string[] Outputs, (TensorElementType Type, long[] Shape)[] Results);
}
