using EdgeCluster.Grains.Devices;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Tensors;
using EdgeCluster.Grains.Transfer.Link;
using Microsoft.Extensions.Options;

namespace EdgeCluster.Grains.Tests.Transfer.Link;

public sealed class ActivationInboxTests
{
    private const string Transfer = ActivationInbox.TransferPrefix + "r1/0";

    private readonly TensorTrafficLedger _ledger = new();

    [Fact]
    public async Task A_claim_made_before_the_tensor_arrives_gets_it_when_it_does()
    {
        var inbox = Inbox();
        var claim = inbox.ClaimAsync([Staged("x"), Inline("small")]);
        Assert.False(claim.IsCompleted);

        inbox.Deposit(new ActivationLinkFrame("r1", Transfer, "x", 3), [1, 2, 3]);
        var claimed = await claim;

        Assert.Equal([1, 2, 3], claimed[0].Data);
        Assert.Null(claimed[0].StagedTransfer);
        Assert.Equal([9], claimed[1].Data);
        Assert.Equal(0, inbox.Pending);
        Assert.Equal(3, _ledger.Received("r1")["x"]);
        Assert.Equal(3, inbox.DepositedBytes);
    }

    [Fact]
    public async Task A_tensor_that_arrived_first_waits_for_its_claim()
    {
        var inbox = Inbox();
        inbox.Deposit(new ActivationLinkFrame("r1", Transfer, "x", 2), [4, 5]);

        var claimed = await inbox.ClaimAsync([Staged("x")]);

        Assert.Equal([4, 5], claimed[0].Data);
    }

    [Fact]
    public async Task A_tensor_that_never_arrives_fails_its_claim_naming_it()
    {
        var inbox = Inbox(TimeSpan.FromMilliseconds(100));

        var error = await Assert.ThrowsAsync<EdgeClusterException>(() => inbox.ClaimAsync([Staged("x")]));

        Assert.Equal(EdgeClusterErrorKind.Unavailable, error.Kind);
        Assert.Equal($"Tensor 'x' of transfer {Transfer} did not arrive on this device's activation link within 0.1 s.", error.Message);
        Assert.Equal(0, inbox.Pending);
    }

    [Fact]
    public async Task A_released_array_is_reused_and_a_foreign_array_is_ignored()
    {
        var inbox = Inbox();
        var data = inbox.Buffers.Rent(4);
        inbox.Deposit(new ActivationLinkFrame("r1", Transfer, "x", 4), data);
        var claimed = await inbox.ClaimAsync([Staged("x")]);

        inbox.Release(new byte[4]);
        Assert.Equal(0, inbox.Buffers.PooledBytes);
        inbox.Release(claimed[0].Data);
        inbox.Release(claimed[0].Data);

        Assert.Equal(4, inbox.Buffers.PooledBytes);
        Assert.Same(data, inbox.Buffers.Rent(4));
    }

    [Fact]
    public async Task Tensors_not_sent_on_a_link_pass_through_unchanged()
    {
        var tensors = new[] { Inline("a"), Inline("b") with { StagedTransfer = "r1/chunks" } };

        Assert.Same(tensors, await Inbox().ClaimAsync(tensors));
    }

    private ActivationInbox Inbox(TimeSpan? timeout = null) =>
        new(Options.Create(new ActivationLinkOptions { ArrivalTimeout = timeout ?? TimeSpan.FromSeconds(10) }), _ledger);

    private static TensorPayload Staged(string name) => new(name, TensorDataType.UInt8, [3], []) { StagedTransfer = Transfer };

    private static TensorPayload Inline(string name) => new(name, TensorDataType.UInt8, [1], [9]);
}
