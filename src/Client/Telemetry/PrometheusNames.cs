namespace EdgeCluster.Client.Telemetry;

/// <summary>
/// Series names of EdgeCluster's instruments as the OpenTelemetry Prometheus exporter writes them: dots become
/// underscores, the unit is appended (ms → _milliseconds, By → _bytes) and counters end in _total.
/// </summary>
public static class PrometheusNames
{
    public const string RequestDuration = "edgecluster_request_duration_milliseconds";
    public const string RequestFailures = "edgecluster_request_failures_total";
    public const string RequestsInFlight = "edgecluster_request_in_flight";
    public const string StageComputeTime = "edgecluster_stage_compute_time_milliseconds";
    public const string StageQueueWait = "edgecluster_stage_queue_wait_milliseconds";
    public const string StageQueueDepth = "edgecluster_stage_queue_depth";
    public const string StageInFlight = "edgecluster_stage_in_flight";
    public const string LinkBytes = "edgecluster_link_bytes_total";
    public const string ModelStoreBytes = "edgecluster_model_store_bytes";
    public const string ProcessCpuTime = "dotnet_process_cpu_time_seconds_total";
    public const string ProcessCpuCount = "dotnet_process_cpu_count";
    public const string ProcessWorkingSet = "dotnet_process_memory_working_set_bytes";

    public const string CountSuffix = "_count";
    public const string SumSuffix = "_sum";
    public const string BucketSuffix = "_bucket";
}
