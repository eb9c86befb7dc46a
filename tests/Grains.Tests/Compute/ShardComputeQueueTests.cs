using EdgeCluster.Grains.Compute;
using EdgeCluster.Grains.Hosting;
using EdgeCluster.Onnx.Runtime;
using Microsoft.Extensions.Options;

namespace EdgeCluster.Grains.Tests.Compute;

public sealed class ShardComputeQueueTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Work_RunsOnADedicatedComputeThread_NotOnTheThreadPool()
    {
        using var queue = Create(slots: 1, capacity: 4);

        var (name, pooled) = await queue.RunAsync(() => (Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread));

        Assert.Equal("edgecluster-compute-0", name);
        Assert.False(pooled);
    }

    [Fact]
    public async Task A_caller_outside_any_grain_resumes_on_the_compute_thread_without_waking_another()
    {
        using var queue = Create(slots: 1, capacity: 4);

        // The work outlasts the caller's await, as a shard run does; work done before it would let the caller go on itself.
        var resumedOn = await Task.Run(async () =>
        {
            await queue.RunAsync(() =>
            {
                Thread.Sleep(100);
                return 0;
            });
            return Thread.CurrentThread.Name;
        });

        Assert.Equal("edgecluster-compute-0", resumedOn);
    }

    [Fact]
    public async Task A_caller_with_its_own_scheduler_resumes_there_not_on_the_compute_thread()
    {
        using var queue = Create(slots: 1, capacity: 4);
        var scheduler = new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler;

        var resumedOn = await Task.Factory.StartNew(
            async () =>
            {
                await queue.RunAsync(() =>
                {
                    Thread.Sleep(100);
                    return 0;
                });
                return (Thread.CurrentThread.Name, TaskScheduler.Current);
            },
            CancellationToken.None,
            TaskCreationOptions.None,
            scheduler).Unwrap();

        Assert.NotEqual("edgecluster-compute-0", resumedOn.Name);
        Assert.Same(scheduler, resumedOn.Current);
    }

    [Fact]
    public async Task A_thread_allowed_to_run_work_runs_it_itself_when_a_slot_is_free()
    {
        using var queue = Create(slots: 1, capacity: 4);

        var (ranOn, callerWas, resumedOn) = await OnAllowedThreadAsync(async () =>
        {
            var caller = Thread.CurrentThread.Name;
            var ran = await queue.RunAsync(() => Thread.CurrentThread.Name);
            return (ran, caller, Thread.CurrentThread.Name);
        });

        Assert.Equal("allowed", callerWas);
        Assert.Equal("allowed", ranOn);
        Assert.Equal("allowed", resumedOn);
        Assert.Equal(0, queue.Running);
    }

    [Fact]
    public async Task A_thread_allowed_to_run_work_queues_it_while_every_slot_is_busy()
    {
        using var queue = Create(slots: 1, capacity: 4);
        using var running = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var busy = queue.RunAsync(() =>
        {
            running.Set();
            release.Wait(Patience);
            return 1;
        });
        Assert.True(running.Wait(Patience));

        var waiting = OnAllowedThreadAsync(() => queue.RunAsync(() => Thread.CurrentThread.Name));
        await Task.Delay(200);
        Assert.False(waiting.IsCompleted);
        Assert.Equal(1, queue.Queued);
        release.Set();

        Assert.Equal("edgecluster-compute-0", await waiting);
        Assert.Equal(1, await busy);
    }

    [Fact]
    public async Task FullQueue_MakesTheNextCallerWait_UntilASlotFrees()
    {
        using var queue = Create(slots: 1, capacity: 1);
        using var running = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var order = new List<int>();

        var first = queue.RunAsync(() =>
        {
            running.Set();
            release.Wait(Patience);
            lock (order)
            {
                order.Add(1);
            }

            return 1;
        });
        Assert.True(running.Wait(Patience));
        var second = queue.RunAsync(() => Record(order, 2));
        var third = queue.RunAsync(() => Record(order, 3));

        // One run holds the only slot and one waits in the queue of capacity 1: the third caller is still enqueuing.
        await Task.Delay(200);
        Assert.Equal(1, queue.Running);
        Assert.Equal(2, queue.Queued);
        Assert.False(third.IsCompleted);

        release.Set();
        var results = await Task.WhenAll(first, second, third);
        Assert.Equal([1, 2, 3], results);
        Assert.Equal([1, 2, 3], order);
        Assert.Equal(0, queue.Queued);
    }

    [Fact]
    public async Task FailingWork_FaultsOnlyItsOwnCall_AndTheThreadKeepsServing()
    {
        using var queue = Create(slots: 1, capacity: 4);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => queue.RunAsync<int>(() => throw new InvalidOperationException("shard failed")));
        var next = await queue.RunAsync(() => 42);

        Assert.Equal("shard failed", error.Message);
        Assert.Equal(42, next);
    }

    [Fact]
    public async Task OnStarted_RunsOnTheComputeThread_BeforeTheWork()
    {
        using var queue = Create(slots: 1, capacity: 4);
        string? startedOn = null;

        var result = await queue.RunAsync(() => startedOn is null ? "work first" : "started first", () => startedOn = Thread.CurrentThread.Name);

        Assert.Equal("started first", result);
        Assert.Equal("edgecluster-compute-0", startedOn);
    }

    [Fact]
    public void AutomaticSlots_AreTheDeviceCores_DividedByOnnxRuntimeThreads()
    {
        using var queue = Create(slots: 0, capacity: 4, cores: 4);

        Assert.Equal(Math.Max(1, 4 / OnnxRuntimeEnvironment.IntraOpThreads), queue.Slots);
    }

    [Fact]
    public void NegativeSlots_AreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Create(slots: -1, capacity: 4));
    }

    private static int Record(List<int> order, int value)
    {
        lock (order)
        {
            order.Add(value);
        }

        return value;
    }

    /// <summary>Starts <paramref name="call"/> on a new thread named "allowed" that may run shard work itself, as a link connection's thread may.</summary>
    private static Task<T> OnAllowedThreadAsync<T>(Func<Task<T>> call)
    {
        var result = new TaskCompletionSource<Task<T>>();
        new Thread(() =>
        {
            ShardComputeQueue.AllowRunsOnCurrentThread();
            result.SetResult(call());
        }) { Name = "allowed" }.Start();
        return result.Task.Unwrap();
    }

    private static ShardComputeQueue Create(int slots, int capacity, int cores = 0) => new(
        Options.Create(new ComputeOptions { Slots = slots, QueueCapacity = capacity }),
        Options.Create(new DeviceOptions { Cores = cores }));
}
