using System.Collections.Concurrent;
using System.Diagnostics;
using EdgeCluster.Grains.Interfaces.Errors;

namespace EdgeCluster.Grains.Inference;

/// <summary>
/// Chooses which replica of the next stage gets a request, per silo: of two replicas drawn at random
/// (power of two choices) the one with less outstanding work, scored as outstanding calls times its recent
/// latency. Load is kept per scope (a deployment's stage), because one device's latency differs from shard to shard.
/// Calls to one device are bounded; a caller waits (back-pressure) while that device is full.
/// </summary>
public sealed class ReplicaSelector
{
    /// <summary>Calls this silo keeps open to one stage on one device at most; further calls wait for a slot.</summary>
    public const int MaxOutstandingPerStage = 32;

    // Weight of the newest latency sample in the moving average.
    private const double LatencySmoothing = 0.2;

    private readonly ConcurrentDictionary<(string Scope, string Device), DeviceLoad> _devices = new();

    // Slots per stage, not per device: a stage only waits on later stages, so devices hosting several stages never wait on each other in a cycle.
    private readonly ConcurrentDictionary<(string Device, int Stage), SemaphoreSlim> _slots = new();
    private readonly Random _random;

    public ReplicaSelector()
        : this(Random.Shared)
    {
    }

    public ReplicaSelector(Random random) => _random = random;

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
    public double LatencyMilliseconds(string device, string scope = "") => _devices.TryGetValue((scope, device), out var load) ? load.LatencyMilliseconds : 0;

    /// <summary>Waits for a slot on <paramref name="stage"/> of <paramref name="device"/> and counts the call as outstanding until the lease is disposed.</summary>
    public async Task<Lease> StartAsync(string device, int stage, string scope = "", CancellationToken cancellationToken = default)
    {
        var load = _devices.GetOrAdd((scope, device), _ => new DeviceLoad());
        var slots = _slots.GetOrAdd((device, stage), _ => new SemaphoreSlim(MaxOutstandingPerStage, MaxOutstandingPerStage));
        await slots.WaitAsync(cancellationToken);
        Interlocked.Increment(ref load.Outstanding);
        return new Lease(load, slots);
    }

    private double Score(string scope, string device)
    {
        if (!_devices.TryGetValue((scope, device), out var load))
        {
            return 0;
        }

        // A device never measured counts as 1 ms, so outstanding calls still decide between new replicas.
        return (load.Outstanding + 1) * Math.Max(load.LatencyMilliseconds, 1);
    }

    internal sealed class DeviceLoad
    {
        public int Outstanding;
        private double _latency;
        private readonly Lock _gate = new();

        public double LatencyMilliseconds
        {
            get
            {
                lock (_gate)
                {
                    return _latency;
                }
            }
        }

        public void Record(double milliseconds)
        {
            lock (_gate)
            {
                _latency = _latency == 0 ? milliseconds : (LatencySmoothing * milliseconds) + ((1 - LatencySmoothing) * _latency);
            }
        }
    }

    /// <summary>One call in flight to a replica; disposing it records the call's latency and frees its slot.</summary>
    public sealed class Lease : IDisposable
    {
        private readonly DeviceLoad _load;
        private readonly SemaphoreSlim _slots;
        private readonly long _started = Stopwatch.GetTimestamp();
        private int _disposed;

        internal Lease(DeviceLoad load, SemaphoreSlim slots)
        {
            _load = load;
            _slots = slots;
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
            {
                return;
            }

            _load.Record(Stopwatch.GetElapsedTime(_started).TotalMilliseconds);
            Interlocked.Decrement(ref _load.Outstanding);
            _slots.Release();
        }
    }
}
