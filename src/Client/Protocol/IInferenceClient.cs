using EdgeCluster.Grains.Interfaces.Inference;
using EdgeCluster.Grains.Interfaces.Tensors;
using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Client.Protocol;

/// <summary>
/// Runs inferences on a deployed model, whatever carries them: <see cref="OpenInferenceClient"/> over the
/// Open Inference Protocol (gRPC), <see cref="GrainInferenceClient"/> over Orleans grain calls.
/// Failures are <see cref="Grains.Interfaces.Errors.EdgeClusterException"/>s of the same kinds either way.
/// </summary>
public interface IInferenceClient
{
    /// <summary>The declared inputs and outputs of <paramref name="model"/> (a deployment name).</summary>
    Task<ModelSignature> GetSignatureAsync(string model, CancellationToken cancellationToken = default);

    /// <summary>Runs <paramref name="model"/> on <paramref name="inputs"/>; <paramref name="outputNames"/> null or empty means every output.</summary>
    Task<InferenceOutcome> InferAsync(
        string model,
        IReadOnlyList<NamedTensor> inputs,
        IReadOnlyList<string>? outputNames = null,
        string? requestId = null,
        CancellationToken cancellationToken = default);
}

/// <summary>A model's declared tensors; a variable dimension is a symbol ("batch") or "?".</summary>
public sealed record ModelSignature(string Name, IReadOnlyList<TensorSignature> Inputs, IReadOnlyList<TensorSignature> Outputs);

/// <summary>
/// One inference's answer: the outputs, the device it entered at (where stage 0 ran), its trace id when
/// traced, and the stages it took when the transport reports them (grain calls do, the protocol does not).
/// </summary>
public sealed record InferenceOutcome(
    string RequestId,
    string Device,
    IReadOnlyList<NamedTensor> Outputs,
    string? TraceId,
    IReadOnlyList<StageHop> Hops);
