using EdgeCluster.Grains.Inference;

namespace EdgeCluster.Grains.Tests.Replicas;

public sealed class ReplicaSelectorTests
{
    [Fact]
    public async Task Busy_replica_loses_to_idle_ones()
    {
        var selector = new ReplicaSelector(new Random(42));
        var busy = new List<ReplicaSelector.Lease>();
        for (var i = 0; i < 5; i++)
        {
            busy.Add(await selector.StartAsync("device-a", 1));
        }

        var chosen = Enumerable.Range(0, 100).Select(_ => selector.Choose(["device-a", "device-b", "device-c"])).ToHashSet();

        Assert.Equal(["device-b", "device-c"], chosen.Order());
        Assert.Equal(5, selector.Outstanding("device-a"));
        busy.ForEach(lease => lease.Dispose());
        Assert.Equal(0, selector.Outstanding("device-a"));
    }

    [Fact]
    public async Task Of_two_replicas_the_one_with_fewer_outstanding_calls_is_chosen()
    {
        var selector = new ReplicaSelector(new Random(7));
        using var first = await selector.StartAsync("device-b", 1);
        using var second = await selector.StartAsync("device-b", 1);
        using var third = await selector.StartAsync("device-a", 1);

        Assert.Equal("device-a", selector.Choose(["device-a", "device-b"]));
    }

    [Fact]
    public async Task Load_in_one_deployment_stage_does_not_steer_another()
    {
        var selector = new ReplicaSelector(new Random(3));
        using var first = await selector.StartAsync("device-a", 1, "heavy/1");
        using var second = await selector.StartAsync("device-a", 1, "heavy/1");
        using var light = await selector.StartAsync("device-b", 1, "light/1");

        Assert.Equal("device-b", selector.Choose(["device-a", "device-b"], scope: "heavy/1"));
        Assert.Equal("device-a", selector.Choose(["device-a", "device-b"], scope: "light/1"));
        Assert.Equal(2, selector.Outstanding("device-a", "heavy/1"));
        Assert.Equal(0, selector.Outstanding("device-a", "light/1"));
    }

    [Fact]
    public async Task A_replica_whose_one_slow_call_is_long_past_is_tried_again()
    {
        var clock = new ManualClock();
        var selector = new ReplicaSelector(new Random(5), clock);

        // device-b's first call was cold and slow; device-a answers in 30 ms and has two calls open.
        await TimeCallAsync(selector, clock, "device-b", TimeSpan.FromMilliseconds(3000));
        await TimeCallAsync(selector, clock, "device-a", TimeSpan.FromMilliseconds(30));
        using var open1 = await selector.StartAsync("device-a", 1);
        using var open2 = await selector.StartAsync("device-a", 1);
        Assert.Equal("device-a", selector.Choose(["device-a", "device-b"]));
        Assert.Equal(3000, selector.LatencyMilliseconds("device-b"));

        // Still calling device-a only: device-b's sample goes stale and device-b is chosen again, to be measured anew.
        clock.Advance(ReplicaSelector.LatencyStaleAfter);
        await TimeCallAsync(selector, clock, "device-a", TimeSpan.FromMilliseconds(30));
        Assert.Equal("device-b", selector.Choose(["device-a", "device-b"]));
        Assert.Equal(0, selector.LatencyMilliseconds("device-b"));

        await TimeCallAsync(selector, clock, "device-b", TimeSpan.FromMilliseconds(25));
        Assert.Equal(25, selector.LatencyMilliseconds("device-b"));
    }

    [Fact]
    public void Failed_replica_is_out_of_rotation_unless_it_is_the_only_one()
    {
        var selector = new ReplicaSelector(new Random(1));
        var failed = new HashSet<string>(StringComparer.Ordinal) { "device-b" };

        Assert.All(Enumerable.Range(0, 20), _ => Assert.Equal("device-a", selector.Choose(["device-a", "device-b"], failed)));
        Assert.Equal("device-b", selector.Choose(["device-b"], failed));
    }

    [Fact]
    public async Task A_full_device_makes_the_next_caller_wait_for_a_slot()
    {
        var selector = new ReplicaSelector(new Random(1));
        var leases = new List<ReplicaSelector.Lease>();
        for (var i = 0; i < ReplicaSelector.MaxOutstandingPerStage; i++)
        {
            leases.Add(await selector.StartAsync("device-a", 1));
        }

        var waiting = selector.StartAsync("device-a", 1);
        Assert.False(waiting.IsCompleted);

        // Another stage on the same device has slots of its own.
        using var otherStage = await selector.StartAsync("device-a", 2);

        leases[0].Dispose();
        using var admitted = await waiting;
        Assert.Equal(ReplicaSelector.MaxOutstandingPerStage + 1, selector.Outstanding("device-a"));
        leases.Skip(1).ToList().ForEach(lease => lease.Dispose());
    }

    private static async Task TimeCallAsync(ReplicaSelector selector, ManualClock clock, string device, TimeSpan duration)
    {
        using var lease = await selector.StartAsync(device, 1);
        clock.Advance(duration);
    }

    /// <summary>A clock that moves only when told, so latency samples and their age are exact.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks = TimeSpan.TicksPerDay;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
