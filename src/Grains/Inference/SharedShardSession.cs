using EdgeCluster.Onnx.Runtime;

namespace EdgeCluster.Grains.Inference;

/// <summary>
/// A shard's open session with a count of its users: the shard grain that opened it, and every run that borrowed
/// it. The session is disposed when the last of them lets go, so a run never meets a disposed session.
/// </summary>
public sealed class SharedShardSession(ShardSession session)
{
    private int _users = 1;
    private long _grainCalledAt = Environment.TickCount64;
    private DynamicBatcher? _batcher;

    public ShardSession Session => session;

    /// <summary>Gathers concurrent runs of this session into batches, for stages that batch.</summary>
    public DynamicBatcher Batcher => LazyInitializer.EnsureInitialized(ref _batcher, () => new DynamicBatcher(session));

    /// <summary>When the owning grain last ran a call itself (<see cref="Environment.TickCount64"/>).</summary>
    public long GrainCalledAt => Volatile.Read(ref _grainCalledAt);

    public void TouchGrain() => Volatile.Write(ref _grainCalledAt, Environment.TickCount64);

    /// <summary>Counts one more user; false once the session is disposed or being disposed.</summary>
    public bool TryAcquire()
    {
        var users = Volatile.Read(ref _users);
        while (users > 0)
        {
            var seen = Interlocked.CompareExchange(ref _users, users + 1, users);
            if (seen == users)
            {
                return true;
            }

            users = seen;
        }

        return false;
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _users) == 0)
        {
            session.Dispose();
        }
    }
}
