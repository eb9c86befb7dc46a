using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Onnx.Partitioning;

/// <summary>
/// The pipeline's data semantics. A bag of named tensors flows from stage to stage: each stage picks its model
/// inputs from the bag, runs, and hands on <see cref="StageModel.ForwardNames"/>, taken from its outputs or the
/// incoming bag. Tensors needed further down (skip connections, early graph outputs) ride along without passing
/// through any stage model.
/// </summary>
public static class StageBag
{
    /// <summary>The stage's model inputs, picked from the incoming bag in model input order.</summary>
    public static IReadOnlyList<NamedTensor> Inputs(StageModel stage, IReadOnlyList<NamedTensor> bag)
    {
        ArgumentNullException.ThrowIfNull(stage);
        ArgumentNullException.ThrowIfNull(bag);
        var byName = Index(bag);
        return stage.InputNames.Select(name => byName.TryGetValue(name, out var tensor)
            ? tensor
            : throw new InvalidOperationException(
                $"Stage {stage.Index} needs '{name}' but the incoming bag holds only [{string.Join(", ", byName.Keys)}].")).ToArray();
    }

    /// <summary>The bag after the stage: each forwarded name from the stage outputs, else from the incoming bag.</summary>
    public static IReadOnlyList<NamedTensor> Next(StageModel stage, IReadOnlyList<NamedTensor> bag, IReadOnlyList<NamedTensor> outputs)
    {
        ArgumentNullException.ThrowIfNull(stage);
        ArgumentNullException.ThrowIfNull(bag);
        ArgumentNullException.ThrowIfNull(outputs);
        var produced = Index(outputs);
        var incoming = Index(bag);
        return stage.ForwardNames.Select(name =>
            produced.TryGetValue(name, out var tensor) || incoming.TryGetValue(name, out tensor)
                ? tensor
                : throw new InvalidOperationException(
                    $"Stage {stage.Index} must forward '{name}' but neither its outputs nor the incoming bag hold it.")).ToArray();
    }

    private static Dictionary<string, NamedTensor> Index(IReadOnlyList<NamedTensor> tensors)
    {
        var byName = new Dictionary<string, NamedTensor>(StringComparer.Ordinal);
        foreach (var tensor in tensors)
        {
            byName[tensor.Name] = tensor;
        }

        return byName;
    }
}
