namespace EdgeCluster.Onnx.Verification;

/// <summary>How one graph output of the chained stages compares with the whole model's.</summary>
/// <param name="ReferenceMaxAbs">Largest magnitude in the whole model's output.</param>
/// <param name="CosineSimilarity">1 for identical directions; 1 for non-floating outputs that match exactly, else 0.</param>
public sealed record OutputDiff(string Name, long[] Shape, double MaxAbsDiff, double ReferenceMaxAbs, double CosineSimilarity);
