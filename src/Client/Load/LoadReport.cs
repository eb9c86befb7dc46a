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

    /// <summary>Successful requests by the device that ran their stage 0 (where they entered).</summary>
    public IReadOnlyDictionary<string, int> PerOrigin { get; init; } = new Dictionary<string, int>();

    /// <summary>Successful requests served by each stage replica, keyed "STAGE@DEVICE".</summary>
    public IReadOnlyDictionary<string, int> PerReplica { get; init; } = new Dictionary<string, int>();

    /// <summary>Raw input bytes that devices other than each request's origin received; null when not measured.</summary>
    public long? RawInputBytesOffDevice { get; init; }

    /// <summary>The fields of the <c>--json</c> line, in the documented order.</summary>
    public Dictionary<string, object> ToJson()
    {
        var json = Fields();
        json["per_origin"] = PerOrigin;
        json["per_replica"] = PerReplica;
        if (RawInputBytesOffDevice is { } offDevice)
        {
            json["raw_input_bytes_off_device"] = offDevice;
        }

        return json;
    }

    private Dictionary<string, object> Fields() => new()
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
