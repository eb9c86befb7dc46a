using EdgeCluster.Onnx.Graph;
using Google.Protobuf;
using Onnx;

namespace EdgeCluster.Onnx.Partitioning;

/// <summary>
/// Writes each stage of a plan as a standalone ONNX model: same IR version, opsets, producer and local functions;
/// only the stage's nodes (attributes and subgraphs untouched) and the initializers they read (declared as graph
/// inputs too where the original does so, as IR &lt; 4 models must); typed inputs and outputs.
/// Boundary tensors keep their declared shape (with symbols) when the original model declares one; otherwise the
/// measured shape is used, with axes that follow the graph inputs' symbolic dimensions left symbolic when the
/// probe could tell (see <see cref="ShapeProbe"/>), and concrete otherwise.
/// </summary>
public static class StageEmitter
{
    public static IReadOnlyList<StageModel> Emit(GraphAnalysis analysis, PartitionPlan plan)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.Model != analysis.Graph.Name || plan.Stages[^1].EndNode != analysis.NodeCount)
        {
            throw new ArgumentException($"The plan for '{plan.Model}' does not belong to the analysis of '{analysis.Graph.Name}'.", nameof(plan));
        }

        return plan.Stages.Select(stage => Emit(analysis, stage, plan.Stages.Count)).ToArray();
    }

    private static StageModel Emit(GraphAnalysis analysis, StagePlan stage, int stageCount)
    {
        var source = analysis.Graph;
        var original = source.Model;
        var (start, end) = (stage.StartNode, stage.EndNode);

        // Stage 0 keeps the original input signature so the data owner feeds it exactly what the whole model takes.
        var inputs = stage.Index == 0 ? source.Inputs.Select(i => i.Name).ToArray() : analysis.StageInputs(start, end);
        var outputs = analysis.StageOutputs(start, end);
        var forward = analysis.CrossingSet(end);
        var boundary = inputs.Concat(outputs).ToHashSet(StringComparer.Ordinal);

        var graph = new GraphProto
        {
            Name = $"{(string.IsNullOrEmpty(original.Graph.Name) ? source.Name : original.Graph.Name)}_stage{stage.Index}",
            DocString = $"Stage {stage.Index} of {stageCount} of '{source.Name}': nodes {start}..{end - 1} of its topological order.",
        };

        for (var i = start; i < end; i++)
        {
            graph.Node.Add(source.Nodes[i].Proto);
        }

        foreach (var name in inputs)
        {
            graph.Input.Add(Declaration(analysis, name));
        }

        var initializers = analysis.StageInitializers(start, end);
        var declaredAsInputs = original.Graph.Input.Where(i => source.IsInitializer(i.Name)).ToDictionary(i => i.Name, StringComparer.Ordinal);
        foreach (var name in initializers)
        {
            if (source.Initializers.TryGetValue(name, out var dense))
            {
                graph.Initializer.Add(dense);
            }
            else
            {
                graph.SparseInitializer.Add(original.Graph.SparseInitializer.First(s => s.Values.Name == name));
            }

            // Before IR 4 initializers had to be listed as graph inputs too; mirror whatever the original declares.
            if (declaredAsInputs.TryGetValue(name, out var declared))
            {
                graph.Input.Add(declared);
            }
        }

        foreach (var name in outputs)
        {
            graph.Output.Add(Declaration(analysis, name));
        }

        var internalTensors = source.Nodes.Skip(start).Take(end - start).SelectMany(n => n.Outputs).Where(t => !boundary.Contains(t)).ToHashSet(StringComparer.Ordinal);
        graph.ValueInfo.AddRange(original.Graph.ValueInfo.Where(v => internalTensors.Contains(v.Name)));

        var model = new ModelProto
        {
            IrVersion = original.IrVersion,
            ProducerName = original.ProducerName,
            ProducerVersion = original.ProducerVersion,
            Domain = original.Domain,
            ModelVersion = original.ModelVersion,
            DocString = original.DocString,
            Graph = graph,
        };
        model.OpsetImport.AddRange(original.OpsetImport);
        model.MetadataProps.AddRange(original.MetadataProps);
        model.Functions.AddRange(original.Functions);

        return new StageModel(stage.Index, model.ToByteArray(), inputs.ToArray(), outputs.ToArray(), forward.ToArray());
    }

    private static ValueInfoProto Declaration(GraphAnalysis analysis, string name)
    {
        if (analysis.Graph.DeclaredValues.TryGetValue(name, out var declared) && ValueInfos.TryRead(declared, out _, out var shape) && shape is not null)
        {
            return declared;
        }

        return analysis.Tensors.TryGetValue(name, out var info)
            ? ValueInfos.Create(name, info.ElementType, info.Dimensions)
            : throw new PartitionException($"Tensor '{name}' of '{analysis.Graph.Name}' crosses a stage boundary but its type and shape are unknown.");
    }
}
