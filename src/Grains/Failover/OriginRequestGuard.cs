using System.Collections.Concurrent;
using EdgeCluster.Grains.Interfaces.Errors;

namespace EdgeCluster.Grains.Failover;

/// <summary>
/// The duplicate guard at a request's origin: a request id enters a deployment's pipeline once, so no result
/// is produced (or returned) twice, whatever the caller resends. Remembers the most recent ids per silo.
/// </summary>
public sealed class OriginRequestGuard
{
    public const int RequestsKept = 200_000;

    private readonly ConcurrentDictionary<string, byte> _seen = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();

    /// <summary>Admits <paramref name="requestId"/> once; a repeat fails with FailedPrecondition naming the duplicate.</summary>
    public void Admit(string deployment, string requestId, string device)
    {
        var key = deployment + "\n" + requestId;
        if (!_seen.TryAdd(key, 0))
        {
            throw new EdgeClusterException(
                EdgeClusterErrorKind.FailedPrecondition,
                $"Request '{requestId}' was already submitted to '{deployment}' on {device}; each request id is answered once (duplicate rejected).");
        }

        _order.Enqueue(key);
        while (_order.Count > RequestsKept && _order.TryDequeue(out var oldest))
        {
            _seen.TryRemove(oldest, out _);
        }
    }
}
