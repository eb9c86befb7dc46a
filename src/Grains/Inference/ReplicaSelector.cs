using System.Collections.Concurrent;
using EdgeCluster.Grains.Interfaces.Errors;

namespace EdgeCluster.Grains.Inference;

/// <summary>
/// Chooses which replica of the next stage gets a request, per silo: of two replicas drawn at random
/// (power of two choices) the one with less outstanding work, scored as outstanding calls times its recent
/// latency. Load is kept per scope (a deployment's stage), because one device's latency differs from shard to shard.
/// Calls to one device are bounded; a caller waits (back-pressure) while that device is full. A latency sample older
/// than <see cref="LatencyStaleAfter"/> no longer counts: a replica whose last call was slow (a cold first call to a
/// new replica takes hundreds of milliseconds) would otherwise never be chosen again, and never measured again.
/// </summary>
public sealed class ReplicaSelector
{
    /// <summary>Calls this silo keeps open to one stage on one device at most; further calls wait for a slot.</summary>
    public const int MaxOutstandingPerStage = 32;

    /// <summary>Age after which a replica's latency sample is ignored, so it is tried and measured again.</summary>
    public static readonly TimeSpan LatencyStaleAfter = TimeSpan.FromSeconds(1);

    // Weight of the newest latency sample in the moving average.
    private const double LatencySmoothing = 0.2;

    private readonly ConcurrentDictionary<(string Scope, string Device), DeviceLoad> _devices = new();

    // Slots per stage, not per device: a stage only waits on later stages, so devices hosting several stages never wait on each other in a cycle.
    private readonly ConcurrentDictionary<(string Device, int Stage), SemaphoreSlim> _slots = new();
    private readonly Random _random;
    private readonly TimeProvider _time;

    public ReplicaSelector()
        : this(Random.Shared)
    {
    }

    public ReplicaSelector(Random random, TimeProvider? time = null)
    {
        _random = random;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Picks one of <paramref name="replicas"/>, skipping <paramref name="excluded"/> unless nothing else is left.</summary>
    public string Choose(IReadOnlyList<string> replicas, IReadOnlySet<string>? excluded = null, string scope = "")
    {
        if (replicas.Count == 0)
        {
            throw new EdgeClusterException(EdgeClusterErrorKind.Internal, "A stage has no replica to send a request to.");
        }

        var candidates = excluded is null ? replicas : replicas.Where(r => !excluded.Contains(r)).ToArray();
        if (candidates.Count == 0)
        {
            candidates = replicas;
        }

        if (candidates.Count == 1)
        {
            return candidates[0];
        }

        var first = _random.Next(candidates.Count);
        var second = _random.Next(candidates.Count - 1);
        if (second >= first)
        {
            second++;
        }

        var a = candidates[first];
        var b = candidates[second];
        var scoreA = Score(scope, a);
        var scoreB = Score(scope, b);
        return scoreA < scoreB || (scoreA == scoreB && string.CompareOrdinal(a, b) <= 0) ? a : b;
    }

    /// <summary>Outstanding calls from this silo to <paramref name="device"/>.</summary>
    public int Outstanding(string device, string scope = "") => _devices.TryGetValue((scope, device), out var load) ? load.Outstanding : 0;

    /// <summary>Smoothed latency of calls to <paramref name="device"/> in milliseconds (0 before the first one).</summary>
    public double LatencyMilliseconds(string device, string scope = "") => _devices.TryGetValue((scope, device), out var load) ? load.LatencyAt(_time) : 0;

    /// <summary>Waits for a slot on <paramref name="stage"/> of <paramref name="device"/> and counts the call as outstanding until the lease is disposed.</summary>
    public async Task<Lease> StartAsync(string device, int stage, string scope = "", CancellationToken cancellationToken = default)
    {
        var load = _devices.GetOrAdd((scope, device), _ => new DeviceLoad());
        var slots = _slots.GetOrAdd((device, stage), _ => new SemaphoreSlim(MaxOutstandingPerStage, MaxOutstandingPerStage));
        await slots.WaitAsync(cancellationToken);
        Interlocked.Increment(ref load.Outstanding);
        return new Lease(load, slots, _time);
    }

    private double Score(string scope, string device)
    {
        if (!_devices.TryGetValue((scope, device), out var load))
        {
            return 0;
        }

        // A device never measured (or not lately) counts as 1 ms, so outstanding calls still decide between new replicas.
        return (load.Outstanding + 1) * Math.Max(load.LatencyAt(_time), 1);
    }

    internal sealed class DeviceLoad
    {
        public int Outstanding;
        private readonly Lock _gate = new();
        private double _latency;
        private long _sampledAt;

        /// <summary>The smoothed latency in milliseconds; 0 before the first sample and once the last one is stale.</summary>
        public double LatencyAt(TimeProvider time)
        {
            lock (_gate)
            {
                return _latency == 0 || time.GetElapsedTime(_sampledAt) > LatencyStaleAfter ? 0 : _latency;
            }
        }

        public void Record(double milliseconds, TimeProvider time)
        {
            lock (_gate)
            {
                var fresh = _latency != 0 && time.GetElapsedTime(_sampledAt) <= LatencyStaleAfter;
                _latency = fresh ? (LatencySmoothing * milliseconds) + ((1 - LatencySmoothing) * _latency) : milliseconds;
                _sampledAt = time.GetTimestamp();
            }
        }
    }

    /// <summary>One call in flight to a replica; disposing it records the call's latency and frees its slot.</summary>
    public sealed class Lease : IDisposable
    {
        private readonly DeviceLoad _load;
        private readonly SemaphoreSlim _slots;
        private readonly TimeProvider _time;
        private readonly long _started;
        private int _disposed;

        internal Lease(DeviceLoad load, SemaphoreSlim slots, TimeProvider time)
        {
            _load = load;
            _slots = slots;
            _time = time;
            _started = time.GetTimestamp();
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
            {
                return;
            }

            _load.Record(_time.GetElapsedTime(_started).TotalMilliseconds, _time);
            Interlocked.Decrement(ref _load.Outstanding);
            _slots.Release();
        }
    }
}
