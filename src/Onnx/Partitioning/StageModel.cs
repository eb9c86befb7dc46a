namespace EdgeCluster.Onnx.Partitioning;

/// <summary>A standalone ONNX model for one stage, with the names that wire it into the pipeline.</summary>
/// <param name="InputNames">Model inputs: tensors the stage reads from the incoming bag (the graph inputs for stage 0).</param>
/// <param name="OutputNames">Model outputs: tensors the stage produces that are needed later or are graph outputs.</param>
/// <param name="ForwardNames">The bag after this stage: incoming tensors still needed plus its outputs; the graph outputs for the last stage.</param>
public sealed record StageModel(
    int Index,
    byte[] ModelBytes,
    IReadOnlyList<string> InputNames,
    IReadOnlyList<string> OutputNames,
    IReadOnlyList<string> ForwardNames);
