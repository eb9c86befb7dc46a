namespace EdgeCluster.Client.Telemetry;

/// <summary>A device as <c>top</c> shows it; rates are over the last interval, null when unknown.</summary>
public sealed record DeviceRow(
    string Device, string? Http, bool Up, string? Error, double? CpuPercent, double? WorkingSetBytes, double? ModelStoreBytes, double RequestsInFlight);

/// <summary>A deployment with its model's request rate and latency (measured at the origin devices).</summary>
public sealed record DeploymentRow(
    string Deployment, string Model, string State, IReadOnlyList<string> Devices,
    double RequestsTotal, double? RequestsPerSecond, double? LatencyMeanMs, double? LatencyP95Ms);

/// <summary>One stage index on one device, with the deployments that place it there.</summary>
public sealed record StageRow(
    string Device, int Stage, IReadOnlyList<string> Deployments, double RunsTotal, double? RunsPerSecond,
    double? ComputeMeanMs, double? QueueWaitMeanMs, double QueueDepth, double InFlight);

/// <summary>Activation bytes sent from one device to another.</summary>
public sealed record LinkRow(string Source, string Target, double BytesTotal, double? BytesPerSecond);

/// <summary>Failed requests of one reason.</summary>
public sealed record FailureRow(string Reason, double Total, double? PerSecond);
