namespace EdgeCluster.Grains.Diagnostics;

/// <summary>One request counted in <see cref="PipelineMetrics.RequestsInFlight"/> until disposed.</summary>
public readonly struct RequestInFlight : IDisposable
{
    private readonly KeyValuePair<string, object?> _device;

    public RequestInFlight(string device)
    {
        _device = new KeyValuePair<string, object?>(MetricTags.Device, device);
        PipelineMetrics.RequestsInFlight.Add(1, _device);
    }

    public void Dispose() => PipelineMetrics.RequestsInFlight.Add(-1, _device);
}
