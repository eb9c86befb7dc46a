using Polly;
using Polly.Retry;

namespace EdgeCluster.Grains.Failover;

/// <summary>
/// Retry budgets for calls that cross devices. Orleans fails a call to a dead silo with
/// <see cref="SiloUnavailableException"/> once membership declares it dead, and never retries; these
/// policies wait for the deployment to be repaired and try again.
/// </summary>
public static class StageCallRetry
{
    /// <summary>
    /// A hop to the next stage keeps trying for about 40 s: long enough for a partitioned device to be declared
    /// dead (~10 s, see <see cref="MembershipTuning"/>) and its stage to be loaded elsewhere.
    /// </summary>
    public static RetryStrategyOptions HopOptions(Func<Exception, ResilienceContext, bool> shouldRetry, Func<OnRetryArguments<object>, ValueTask> onRetry) => new()
    {
        ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } exception && shouldRetry(exception, args.Context)),
        MaxRetryAttempts = 40,
        BackoffType = DelayBackoffType.Exponential,
        Delay = TimeSpan.FromMilliseconds(100),
        MaxDelay = TimeSpan.FromSeconds(1),
        UseJitter = true,
        OnRetry = onRetry,
    };

    /// <summary>Reads of fleet-wide grains (routes) whose silo may just have died: they reactivate elsewhere within seconds.</summary>
    public static readonly ResiliencePipeline RouteReads = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } exception && DeviceFailures.IsTransport(exception)),
            MaxRetryAttempts = 30,
            BackoffType = DelayBackoffType.Exponential,
            Delay = TimeSpan.FromMilliseconds(100),
            MaxDelay = TimeSpan.FromSeconds(1),
            UseJitter = true,
        })
        .Build();
}
