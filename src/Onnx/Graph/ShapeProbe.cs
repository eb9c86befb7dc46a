using EdgeCluster.Onnx.Runtime;
using EdgeCluster.Onnx.Tensors;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace EdgeCluster.Onnx.Graph;

/// <summary>
/// Element type and concrete shape of every top-level tensor. Declarations are used where they are fully fixed;
/// anything else is measured by one ONNX Runtime run of the original graph with every node output exposed.
/// The probe runs unoptimized (ORT_DISABLE_ALL) so no tensor is fused away or renamed: the facts must describe
/// the original graph, which is what gets partitioned.
/// </summary>
public static class ShapeProbe
{
    public static IReadOnlyDictionary<string, TensorInfo> Measure(OnnxGraph graph, int seed = 0, IReadOnlyDictionary<string, long>? dims = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var facts = new Dictionary<string, TensorInfo>(StringComparer.Ordinal);
        foreach (var input in graph.Inputs)
        {
            facts[input.Name] = new TensorInfo(input.Name, input.ElementType, DeterministicInputs.ResolveShape(input, dims), input.Shape);
        }

        foreach (var (name, initializer) in graph.Initializers)
        {
            var shape = initializer.Dims.ToArray();
            facts[name] = new TensorInfo(name, (TensorElementType)initializer.DataType, shape, Fixed(shape));
        }

        var unknown = new List<string>();
        foreach (var output in graph.Nodes.SelectMany(n => n.Outputs))
        {
            if (graph.DeclaredValues.TryGetValue(output, out var declared)
                && ValueInfos.TryRead(declared, out var type, out var shape)
                && ValueInfos.IsFullyKnown(shape))
            {
                var concrete = shape!.Select(d => d.Size).ToArray();
                facts[output] = new TensorInfo(output, type, concrete, shape!);
            }
            else
            {
                unknown.Add(output);
            }
        }

        if (unknown.Count == 0)
        {
            return facts;
        }

        var measured = Run(graph, unknown, seed, dims);
        var varying = SymbolicDimensions.Detect(graph, unknown, seed, dims, measured);
        foreach (var tensor in measured)
        {
            var dimensions = varying.TryGetValue(tensor.Name, out var symbolic) ? symbolic : Fixed(tensor.Shape);
            facts[tensor.Name] = new TensorInfo(tensor.Name, tensor.ElementType, tensor.Shape, dimensions);
        }

        return facts;
    }

    /// <summary>Runs the graph once and returns the named node outputs (data included).</summary>
    internal static IReadOnlyList<NamedTensor> Run(OnnxGraph graph, IReadOnlyList<string> tensors, int seed, IReadOnlyDictionary<string, long>? dims)
    {
        var probe = graph.Model.Clone();
        var exposed = probe.Graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var name in tensors)
        {
            // ORT infers the type of an output declared by name only.
            if (exposed.Add(name))
            {
                probe.Graph.Output.Add(new ValueInfoProto { Name = name });
            }
        }

        var inputs = DeterministicInputs.Create(graph.Inputs, seed, dims);
        try
        {
            using var session = new ShardSession(probe.ToByteArray(), GraphOptimizationLevel.ORT_DISABLE_ALL);
            return session.Run(inputs, tensors);
        }
        catch (Exception e) when (e is InvalidModelException or OnnxRuntimeException or NotSupportedException)
        {
            throw new InvalidModelException(
                $"Measuring the intermediate tensors of '{graph.Name}' with ONNX Runtime failed: {e.Message}", e);
        }
    }

    private static TensorDimension[] Fixed(long[] shape) => shape.Select(s => new TensorDimension(s, null)).ToArray();
}
