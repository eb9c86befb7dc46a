using System.Collections.Concurrent;
using System.Diagnostics;
using EdgeCluster.Grains.Devices;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Tensors;
using Microsoft.Extensions.Options;

namespace EdgeCluster.Grains.Transfer.Link;

/// <summary>
/// Tensors that arrived on this silo's link, one per transfer id and tensor name, until the stage call naming them
/// claims them. Either may come first: a call that arrives early waits for its tensors. Arrivals are counted in the
/// traffic ledger like tensors inside calls, so locality checks see every byte that reached the device.
/// </summary>
public sealed class ActivationInbox(IOptions<ActivationLinkOptions> options, TensorTrafficLedger ledger)
{
    /// <summary>Transfer ids of tensors sent on a link start with this, so the receiver knows where to look for them.</summary>
    public const string TransferPrefix = "link/";

    private readonly ConcurrentDictionary<(string Transfer, string Tensor), Slot> _slots = new();
    private readonly ConcurrentDictionary<byte[], byte> _lent = new(ReferenceEqualityComparer.Instance);
    private long _depositedBytes;

    public ExactSizeBufferPool Buffers { get; } = new();

    /// <summary>Tensors waiting to be claimed, or claims waiting for their tensor.</summary>
    public int Pending => _slots.Count;

    /// <summary>Arrays that arrived on the link and are still out with their claimers.</summary>
    public int Lent => _lent.Count;

    /// <summary>Tensor bytes that arrived on the link since the silo started.</summary>
    public long DepositedBytes => Interlocked.Read(ref _depositedBytes);

    /// <summary>Stores a tensor's bytes that arrived on the link (an array rented from <see cref="Buffers"/>).</summary>
    public void Deposit(ActivationLinkFrame frame, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(frame);
        DropAbandoned();
        ledger.Record(frame.RequestId, frame.TensorName, data.LongLength);
        Interlocked.Add(ref _depositedBytes, data.LongLength);
        _lent.TryAdd(data, 0);
        if (!SlotFor(frame.TransferId, frame.TensorName).Arrived.TrySetResult(data))
        {
            // The same transfer twice (a sender retried): the first copy stands.
            Release(data);
        }
    }

    /// <summary>The tensors with every one sent on a link replaced by its bytes; waits for those not here yet.</summary>
    public async Task<TensorPayload[]> ClaimAsync(TensorPayload[] tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (!Array.Exists(tensors, IsOnLink))
        {
            return tensors;
        }

        var claimed = new TensorPayload[tensors.Length];
        for (var i = 0; i < tensors.Length; i++)
        {
            claimed[i] = IsOnLink(tensors[i]) ? await ClaimAsync(tensors[i]) : tensors[i];
        }

        return claimed;
    }

    /// <summary>Gives an array that <see cref="ClaimAsync(TensorPayload[])"/> handed out back for reuse; any other array is ignored.</summary>
    public void Release(byte[] data)
    {
        if (_lent.TryRemove(data, out _))
        {
            Buffers.Return(data);
        }
    }

    /// <summary>Gives back every array among <paramref name="tensors"/> that this inbox lent out (a result once serialized).</summary>
    public void Release(TensorPayload[] tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        foreach (var tensor in tensors)
        {
            Release(tensor.Data);
        }
    }

    public static bool IsOnLink(TensorPayload tensor) => tensor.StagedTransfer?.StartsWith(TransferPrefix, StringComparison.Ordinal) == true;

    private async Task<TensorPayload> ClaimAsync(TensorPayload tensor)
    {
        var transfer = tensor.StagedTransfer!;
        var slot = SlotFor(transfer, tensor.Name);
        try
        {
            var data = await slot.Arrived.Task.WaitAsync(options.Value.ArrivalTimeout);
            return tensor with { Data = data, StagedTransfer = null };
        }
        catch (TimeoutException)
        {
            throw new EdgeClusterException(
                EdgeClusterErrorKind.Unavailable,
                $"Tensor '{tensor.Name}' of transfer {transfer} did not arrive on this device's activation link within {options.Value.ArrivalTimeout.TotalSeconds:0.#} s.");
        }
        finally
        {
            _slots.TryRemove(KeyValuePair.Create((transfer, tensor.Name), slot));
        }
    }

    private Slot SlotFor(string transfer, string tensor) => _slots.GetOrAdd((transfer, tensor), _ => new Slot());

    private void DropAbandoned()
    {
        foreach (var (key, slot) in _slots)
        {
            if (Stopwatch.GetElapsedTime(slot.CreatedAt) > options.Value.AbandonedAfter && _slots.TryRemove(key, out _) &&
                slot.Arrived.Task.IsCompletedSuccessfully)
            {
                Release(slot.Arrived.Task.Result);
            }
        }
    }

    private sealed class Slot
    {
        public long CreatedAt { get; } = Stopwatch.GetTimestamp();

        public TaskCompletionSource<byte[]> Arrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
