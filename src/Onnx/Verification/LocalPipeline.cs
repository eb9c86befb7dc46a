using EdgeCluster.Onnx.Partitioning;
using EdgeCluster.Onnx.Runtime;
using EdgeCluster.Onnx.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace EdgeCluster.Onnx.Verification;

/// <summary>Runs stage models one after another in this process with the bag semantics of <see cref="StageBag"/>.</summary>
public sealed class LocalPipeline : IDisposable
{
    private readonly ShardSession[] sessions;

    public LocalPipeline(IReadOnlyList<StageModel> stages, GraphOptimizationLevel level = GraphOptimizationLevel.ORT_ENABLE_EXTENDED)
    {
        ArgumentNullException.ThrowIfNull(stages);
        if (stages.Count == 0)
        {
            throw new ArgumentException("A pipeline needs at least one stage.", nameof(stages));
        }

        Stages = stages;
        sessions = new ShardSession[stages.Count];
        try
        {
            for (var i = 0; i < stages.Count; i++)
            {
                sessions[i] = new ShardSession(stages[i].ModelBytes, level);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public IReadOnlyList<StageModel> Stages { get; }

    /// <summary>Feeds the graph inputs to stage 0 and returns the last stage's bag: the graph outputs in model order.</summary>
    public IReadOnlyList<NamedTensor> Run(IReadOnlyList<NamedTensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var bag = inputs;
        for (var i = 0; i < Stages.Count; i++)
        {
            var stage = Stages[i];
            var outputs = sessions[i].Run(StageBag.Inputs(stage, bag), stage.OutputNames);
            bag = StageBag.Next(stage, bag, outputs);
        }

        return bag;
    }

    public void Dispose()
    {
        foreach (var session in sessions)
        {
            session?.Dispose();
        }
    }
}
