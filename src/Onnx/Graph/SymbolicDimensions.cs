using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Onnx.Graph;

/// <summary>
/// Tells which measured dimensions follow the symbolic dimensions of the graph inputs (batch, sequence length...):
/// a second probe with every symbol resized shows which axes change. Those axes stay symbolic in emitted stage models
/// so a stage accepts the same range of inputs as the whole model.
/// </summary>
internal static class SymbolicDimensions
{
    public static IReadOnlyDictionary<string, TensorDimension[]> Detect(
        OnnxGraph graph,
        IReadOnlyList<string> tensors,
        int seed,
        IReadOnlyDictionary<string, long>? dims,
        IReadOnlyList<NamedTensor> first)
    {
        var symbols = graph.Inputs.SelectMany(i => i.Shape).Where(d => !d.IsFixed).Select(d => d.Symbol)
            .OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        if (symbols.Length == 0)
        {
            return new Dictionary<string, TensorDimension[]>();
        }

        // Distinct increments keep symbols that share a base size apart in the second run.
        var baseSizes = symbols.ToDictionary(s => s, s => dims?.GetValueOrDefault(s, DeterministicInputs.DefaultSymbolicDimension) ?? DeterministicInputs.DefaultSymbolicDimension, StringComparer.Ordinal);
        var resized = symbols.Select((s, i) => (s, i)).ToDictionary(p => p.s, p => baseSizes[p.s] + p.i + 1, StringComparer.Ordinal);

        IReadOnlyList<NamedTensor> second;
        try
        {
            second = ShapeProbe.Run(graph, tensors, seed, resized);
        }
        catch (InvalidModelException)
        {
            // Some graphs only run at the declared sizes (hard-coded reshapes); their stages keep concrete shapes.
            return new Dictionary<string, TensorDimension[]>();
        }

        var result = new Dictionary<string, TensorDimension[]>(StringComparer.Ordinal);
        for (var t = 0; t < first.Count; t++)
        {
            var a = first[t].Shape;
            var b = second[t].Shape;
            if (a.Length != b.Length || a.AsSpan().SequenceEqual(b))
            {
                continue;
            }

            result[first[t].Name] = a.Select((size, axis) => size == b[axis]
                ? new TensorDimension(size, null)
                : new TensorDimension(-1, SymbolFor(size, b[axis], symbols, baseSizes, resized) ?? $"{first[t].Name}_dim{axis}")).ToArray();
        }

        return result;
    }

    private static string? SymbolFor(long before, long after, string[] symbols, Dictionary<string, long> baseSizes, Dictionary<string, long> resized)
    {
        var matches = symbols.Where(s => baseSizes[s] == before && resized[s] == after).Take(2).ToArray();
        return matches.Length == 1 ? matches[0] : null;
    }
}
