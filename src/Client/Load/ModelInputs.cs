using EdgeCluster.Grains.Interfaces.Models;
using EdgeCluster.Onnx.Tensors;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeCluster.Client.Load;

/// <summary>Deterministic inputs for any registered model, from its declared signature (symbolic dimensions become 1).</summary>
public static class ModelInputs
{
    public static IReadOnlyList<NamedTensor> For(ModelInfo model, int seed) =>
        DeterministicInputs.Create(
            model.Inputs.Select(i => new TensorSpec(
                i.Name,
                (TensorElementType)i.DataType,
                i.Dimensions.Select(d => long.TryParse(d, out var size) ? new TensorDimension(size, null) : new TensorDimension(-1, d)).ToArray())).ToArray(),
            seed);
}
