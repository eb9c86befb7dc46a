using EdgeCluster.Grains.Interfaces.Tensors;
using EdgeCluster.Onnx.Tensors;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeCluster.Grains.Inference;

/// <summary>Between the wire type and the ONNX library's tensor type; both share the byte array, nothing is copied.</summary>
public static class TensorPayloadConversions
{
    public static NamedTensor ToNamedTensor(this TensorPayload payload) =>
        payload.Encoding == TensorEncoding.None
            ? new(payload.Name, (TensorElementType)payload.DataType, payload.Shape, payload.Data)
            : throw new InvalidOperationException($"Tensor '{payload.Name}' is still encoded as {payload.Encoding}; decode it with ActivationWire first.");

    public static TensorPayload ToPayload(this NamedTensor tensor) =>
        new(tensor.Name, (TensorDataType)tensor.ElementType, tensor.Shape, tensor.Data);

    public static TensorSignature ToSignature(this TensorSpec spec) =>
        new(spec.Name, (TensorDataType)spec.ElementType, spec.Shape.Select(d => d.ToString()).ToArray());
}
