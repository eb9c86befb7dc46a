using System.Diagnostics;

namespace EdgeCluster.Grains.Diagnostics;

/// <summary>One call at one stage: waiting until its shard starts, in flight until <see cref="Dispose"/>.</summary>
public sealed class StageTicket : IDisposable
{
    private readonly KeyValuePair<string, object?>[] _tags;
    private readonly long _arrivedAt;
    private double _queueWaitMilliseconds = -1;
    private int _disposed;

    internal StageTicket(string device, int stage, long arrivedAt)
    {
        _arrivedAt = arrivedAt;
        _tags = [new(MetricTags.Device, device), new(MetricTags.Stage, stage)];
        PipelineMetrics.StageInFlight.Add(1, _tags);
        PipelineMetrics.StageQueueDepth.Add(1, _tags);
    }

    public string Id { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Milliseconds from arrival until ONNX Runtime started; until then, the time waited so far.</summary>
    public double QueueWaitMilliseconds =>
        Volatile.Read(ref _queueWaitMilliseconds) is >= 0 and var waited ? waited : Stopwatch.GetElapsedTime(_arrivedAt).TotalMilliseconds;

    internal void OnStarted()
    {
        var waited = Stopwatch.GetElapsedTime(_arrivedAt).TotalMilliseconds;
        Volatile.Write(ref _queueWaitMilliseconds, waited);
        PipelineMetrics.StageQueueDepth.Add(-1, _tags);
        PipelineMetrics.StageQueueWait.Record(waited, _tags);
    }

    internal void OnAbandoned() => PipelineMetrics.StageQueueDepth.Add(-1, _tags);

    /// <summary>The stage's own work is done (its shard answered or failed): no longer waiting, no longer in flight.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        RequestContext.Remove(StageQueue.TicketKey);
        StageQueue.Abandon(this);
        PipelineMetrics.StageInFlight.Add(-1, _tags);
    }
}
