namespace EdgeCluster.Client.Load;

/// <summary>What a closed-loop load run measured.</summary>
public sealed record LoadReport(
    int Requests,
    int Ok,
    IReadOnlyDictionary<string, int> FailedByReason,
    int Retried,
    int Duplicates,
    double P50Milliseconds,
    double P95Milliseconds,
    double P99Milliseconds,
    double ThroughputRps,
    double Seconds)
{
    public int Failed => FailedByReason.Values.Sum();

    /// <summary>The fields of the <c>--json</c> line, in the documented order.</summary>
    public Dictionary<string, object> ToJson() => new()
    {
        ["requests"] = Requests,
        ["ok"] = Ok,
        ["failed"] = Failed,
        ["failed_by_reason"] = FailedByReason,
        ["retried"] = Retried,
        ["duplicates"] = Duplicates,
        ["p50_ms"] = Math.Round(P50Milliseconds, 3),
        ["p95_ms"] = Math.Round(P95Milliseconds, 3),
        ["p99_ms"] = Math.Round(P99Milliseconds, 3),
        ["throughput_rps"] = Math.Round(ThroughputRps, 3),
    };
}
