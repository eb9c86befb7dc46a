using EdgeCluster.Grains.Inference;
using EdgeCluster.Grains.Tests.Models;
using EdgeCluster.Onnx.Runtime;
using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Grains.Tests.Inference;

/// <summary>Stages borrow their shard's open session, and a session is never disposed under a run that borrowed it.</summary>
public sealed class OpenShardSessionsTests
{
    private const string Sha = "shard-a";

    [Fact]
    public void A_retired_session_is_lent_no_more_but_a_run_that_borrowed_it_still_completes()
    {
        var content = TestModels.TwoNodeChain();
        using var reference = new ShardSession(content);
        var inputs = DeterministicInputs.Create(reference.Inputs, seed: 3);
        var open = new OpenShardSessions();
        var shared = open.Open(Sha, new ShardSession(content));

        var borrowed = Assert.IsType<SharedShardSession>(open.TryBorrow(Sha));
        open.Retire(Sha, shared);

        Assert.Null(open.TryBorrow(Sha));
        var output = borrowed.Session.Run(inputs)[0];
        Assert.Equal(0, TensorComparison.MaxAbsDiff(reference.Run(inputs)[0], output));
        borrowed.Release();
        Assert.False(shared.TryAcquire());
        Assert.Equal(1, open.Borrowed);
    }

    [Fact]
    public async Task A_session_whose_grain_went_uncalled_for_the_interval_is_not_lent_until_the_grain_runs_again()
    {
        var open = new OpenShardSessions(TimeSpan.FromMilliseconds(300));
        var shared = open.Open(Sha, new ShardSession(TestModels.TwoNodeChain()));

        var early = open.TryBorrow(Sha);
        early?.Release();
        await Task.Delay(TimeSpan.FromMilliseconds(600));
        var late = open.TryBorrow(Sha);
        shared.TouchGrain();
        var touched = open.TryBorrow(Sha);
        touched?.Release();

        Assert.Same(shared, early);
        Assert.Null(late);
        Assert.Same(shared, touched);
        open.Retire(Sha, shared);
    }

    [Fact]
    public void A_shard_nobody_opened_is_run_by_its_grain()
    {
        Assert.Null(new OpenShardSessions().TryBorrow(Sha));
    }
}
