using System.Collections.Concurrent;

namespace EdgeCluster.Grains.Inference;

/// <summary>
/// The sessions this silo's shard grains hold open, by shard SHA-256, so that a stage on the same silo runs its
/// shard without a grain call. A grain opens its session here once loaded and retires it when it deactivates.
/// A session whose grain has not been called for <paramref name="grainTouchInterval"/> (a minute by default) is not
/// lent: that run goes through the grain, which keeps the grain from being collected as idle while stages use its session.
/// </summary>
public sealed class OpenShardSessions(TimeSpan? grainTouchInterval = null)
{
    private readonly long _touchIntervalMs = (long)(grainTouchInterval ?? TimeSpan.FromMinutes(1)).TotalMilliseconds;
    private readonly ConcurrentDictionary<string, SharedShardSession> _open = new(StringComparer.Ordinal);
    private long _borrowed;

    /// <summary>Runs that borrowed a session here instead of calling its grain, since the silo started.</summary>
    public long Borrowed => Interlocked.Read(ref _borrowed);

    public SharedShardSession Open(string sha256, Onnx.Runtime.ShardSession session)
    {
        var shared = new SharedShardSession(session);
        _open[sha256] = shared;
        return shared;
    }

    /// <summary>Stops lending <paramref name="shared"/> and drops its grain's hold; runs still using it finish first.</summary>
    public void Retire(string sha256, SharedShardSession shared)
    {
        ArgumentNullException.ThrowIfNull(shared);
        _open.TryRemove(KeyValuePair.Create(sha256, shared));
        shared.Release();
    }

    /// <summary>The open session of <paramref name="sha256"/>, to be released after the run; null when the grain should run it.</summary>
    public SharedShardSession? TryBorrow(string sha256)
    {
        if (!_open.TryGetValue(sha256, out var shared)
            || Environment.TickCount64 - shared.GrainCalledAt > _touchIntervalMs
            || !shared.TryAcquire())
        {
            return null;
        }

        Interlocked.Increment(ref _borrowed);
        return shared;
    }
}
