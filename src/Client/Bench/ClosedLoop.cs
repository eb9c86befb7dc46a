using System.Diagnostics;

namespace EdgeCluster.Client.Bench;

/// <summary>
/// Closed-loop load: <c>concurrency</c> workers each start the next call as soon as their previous one returns.
/// Calls finishing inside the measured window count; the warm-up before it fills the pipeline first.
/// </summary>
public static class ClosedLoop
{
    public static async Task<double> RequestsPerSecondAsync(
        Func<Task> call, int concurrency, TimeSpan warmup, TimeSpan window, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        var clock = Stopwatch.StartNew();
        var start = warmup;
        var end = warmup + window;
        long completed = 0;
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < end)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await call();
                var finished = clock.Elapsed;
                if (finished > start && finished <= end)
                {
                    Interlocked.Increment(ref completed);
                }
            }
        }, cancellationToken));
        await Task.WhenAll(workers);
        return completed / window.TotalSeconds;
    }

    /// <summary>The same with blocking calls, each worker on its own thread (for in-process ONNX Runtime runs).</summary>
    public static double RequestsPerSecond(Action call, int concurrency, TimeSpan warmup, TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        var clock = Stopwatch.StartNew();
        var end = warmup + window;
        long completed = 0;
        var threads = Enumerable.Range(0, concurrency).Select(_ => new Thread(() =>
        {
            while (clock.Elapsed < end)
            {
                call();
                var finished = clock.Elapsed;
                if (finished > warmup && finished <= end)
                {
                    Interlocked.Increment(ref completed);
                }
            }
        })).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        return completed / window.TotalSeconds;
    }
}
