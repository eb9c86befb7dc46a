namespace EdgeCluster.Grains.Failover;

/// <summary>Counts the pipeline work running on this silo and whether the silo is leaving, so a graceful stop can drain it.</summary>
public sealed class StageWorkTracker
{
    private int _inFlight;
    private long _lastFinished;

    public bool Draining { get; private set; }

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>When the last piece of work ended, as a <see cref="System.Diagnostics.Stopwatch"/> timestamp.</summary>
    public long LastFinished => Interlocked.Read(ref _lastFinished);

    public void BeginDraining() => Draining = true;

    public Scope Track()
    {
        Interlocked.Increment(ref _inFlight);
        return new Scope(this);
    }

    public readonly struct Scope(StageWorkTracker tracker) : IDisposable
    {
        public void Dispose()
        {
            Interlocked.Exchange(ref tracker._lastFinished, System.Diagnostics.Stopwatch.GetTimestamp());
            Interlocked.Decrement(ref tracker._inFlight);
        }
    }
}
