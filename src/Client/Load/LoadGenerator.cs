using System.Collections.Concurrent;
using System.Diagnostics;
using EdgeCluster.Client.Connection;
using EdgeCluster.Grains.Interfaces.Inference;
using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Client.Load;

/// <summary>A device requests enter at, with the client connected through that device's own gateway.</summary>
public sealed record LoadOrigin(string Device, EdgeClusterClient Client, OriginWatch? Watch = null);

/// <summary>One finished request as the load generator saw it.</summary>
public sealed record LoadCompletion(int Index, string RequestId, InferenceResult? Result, Exception? Error, double Milliseconds, long CompletedAt);

/// <summary>
/// Closed-loop load: <c>concurrency</c> workers each send the next request as soon as their previous one is
/// answered, until <c>requests</c> were sent. Every request has its own id; a result that arrives for an id that
/// already has one counts as a duplicate.
/// </summary>
public sealed class LoadGenerator(
    EdgeClusterClient client, string deployment, string originDevice, IReadOnlyList<NamedTensor> inputs, OriginWatch? originWatch = null)
{
    /// <summary>Where requests enter, taken in turn (request i at origin i mod n); by default only the constructor's origin.</summary>
    public IReadOnlyList<LoadOrigin> Origins { get; init; } = [new LoadOrigin(originDevice, client, originWatch)];

    /// <summary>The origin request <paramref name="index"/> enters at.</summary>
    public LoadOrigin OriginOf(int index) => Origins[index % Origins.Count];

    /// <summary>Runs the load; <paramref name="onCompleted"/> sees every request as it finishes (the drill uses it to kill a device).</summary>
    public async Task<LoadReport> RunAsync(int requests, int concurrency, Action<LoadCompletion>? onCompleted = null, CancellationToken cancellationToken = default)
    {
        if (requests < 1 || concurrency < 1)
        {
            throw new EdgeClusterCliException($"Load needs at least one request and one worker; {requests} requests with concurrency {concurrency} were asked for.");
        }

        var run = Guid.NewGuid().ToString("N")[..8];
        var results = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var failures = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var latencies = new ConcurrentBag<double>();
        var perOrigin = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var perReplica = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        int next = -1, ok = 0, retried = 0, duplicates = 0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Math.Min(concurrency, requests)).Select(_ => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < requests)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var id = $"{run}-{index:D6}";
                var started = Stopwatch.GetTimestamp();
                InferenceResult? result = null;
                Exception? error = null;
                try
                {
                    var origin = OriginOf(index);
                    result = await OriginInference.InferAsync(origin.Client, deployment, origin.Device, inputs, id, origin.Watch);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    error = exception;
                }

                var milliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (result is not null)
                {
                    if (results.AddOrUpdate(result.RequestId, 1, (_, count) => count + 1) > 1 || result.RequestId != id)
                    {
                        Interlocked.Increment(ref duplicates);
                    }
                    else
                    {
                        Interlocked.Increment(ref ok);
                        latencies.Add(milliseconds);

                        // The device that ran stage 0 is where the request entered; the hops name every replica that served it.
                        if (result.Hops.Length > 0)
                        {
                            perOrigin.AddOrUpdate(result.Hops[0].Device, 1, (_, count) => count + 1);
                        }

                        foreach (var hop in result.Hops)
                        {
                            perReplica.AddOrUpdate($"{hop.Stage}@{hop.Device}", 1, (_, count) => count + 1);
                        }

                        if (result.Retries > 0)
                        {
                            Interlocked.Increment(ref retried);
                        }
                    }
                }
                else
                {
                    failures.AddOrUpdate(OriginInference.ReasonOf(error!), 1, (_, count) => count + 1);
                }

                onCompleted?.Invoke(new LoadCompletion(index, id, result, error, milliseconds, Stopwatch.GetTimestamp()));
            }
        }, cancellationToken)));

        var seconds = watch.Elapsed.TotalSeconds;
        var sorted = latencies.Order().ToArray();
        return new LoadReport(
            requests, ok, new SortedDictionary<string, int>(failures, StringComparer.Ordinal), retried, duplicates,
            Percentile(sorted, 0.50), Percentile(sorted, 0.95), Percentile(sorted, 0.99), ok / seconds, seconds)
        {
            PerOrigin = new SortedDictionary<string, int>(perOrigin, StringComparer.Ordinal),
            PerReplica = new SortedDictionary<string, int>(perReplica, StringComparer.Ordinal),
        };
    }

    /// <summary>Nearest-rank percentile; 0 when nothing succeeded.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double quantile) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Count) - 1, 0, sorted.Count - 1)];
}
