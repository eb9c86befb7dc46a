using EdgeCluster.Onnx.Partitioning;

namespace EdgeCluster.Onnx.Verification;

/// <summary>Outcome of running a split model stage by stage against the whole model on the same inputs.</summary>
/// <param name="MaxAbsDiff">Largest element difference over all graph outputs.</param>
/// <param name="Tolerance">relativeTolerance * max(largest reference magnitude over all outputs, 1e-12).</param>
/// <param name="Ok">MaxAbsDiff &lt;= Tolerance (false when any difference is NaN).</param>
public sealed record VerificationResult(
    string Model,
    int Stages,
    IReadOnlyList<IReadOnlyList<string>> Cuts,
    double MaxAbsDiff,
    double Tolerance,
    bool Ok,
    IReadOnlyList<OutputDiff> Outputs,
    PartitionPlan Plan);
