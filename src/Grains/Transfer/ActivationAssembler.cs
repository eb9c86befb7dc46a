using System.Collections.Concurrent;
using System.Diagnostics;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Inference;
using EdgeCluster.Grains.Interfaces.Tensors;
using Microsoft.Extensions.Options;

namespace EdgeCluster.Grains.Transfer;

/// <summary>
/// The receiving side of large activations, one per silo: collects the chunks of each staged tensor and hands the
/// whole tensor to the stage call that names its transfer. Chunks whose stage call never comes (the sender failed
/// mid-transfer) are dropped after <see cref="ActivationTransferOptions.AbandonedAfter"/>.
/// </summary>
public sealed class ActivationAssembler(IOptions<ActivationTransferOptions> options)
{
    private readonly ConcurrentDictionary<(string Transfer, string Tensor), Assembly> _assemblies = new();

    /// <summary>Tensors being assembled now.</summary>
    public int Pending => _assemblies.Count;

    public void Accept(ActivationChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        DropAbandoned();
        if (chunk.TotalLength < 0 || chunk.TotalLength > Array.MaxLength || chunk.Offset < 0 || chunk.Offset + chunk.Data.LongLength > chunk.TotalLength)
        {
            throw EdgeClusterException.InvalidArgument(
                $"Chunk of tensor '{chunk.TensorName}' (request {chunk.RequestId}) covers bytes {chunk.Offset}..{chunk.Offset + chunk.Data.LongLength} of a {chunk.TotalLength}-byte tensor.");
        }

        var assembly = _assemblies.GetOrAdd((chunk.TransferId, chunk.TensorName), _ => new Assembly(chunk.TotalLength));
        assembly.Add(chunk);
    }

    /// <summary>The tensors with every staged one put back together; fails when a staged tensor is incomplete.</summary>
    public TensorPayload[] Assemble(TensorPayload[] tensors)
    {
        if (!Array.Exists(tensors, t => t.StagedTransfer is not null))
        {
            return tensors;
        }

        return Array.ConvertAll(tensors, tensor =>
        {
            if (tensor.StagedTransfer is not { } transfer)
            {
                return tensor;
            }

            if (!_assemblies.TryRemove((transfer, tensor.Name), out var assembly) || !assembly.Complete)
            {
                throw new EdgeClusterException(
                    EdgeClusterErrorKind.Unavailable,
                    $"Tensor '{tensor.Name}' of transfer {transfer} did not arrive whole ({assembly?.Received ?? 0} of {assembly?.Length.ToString() ?? "unknown"} bytes).");
            }

            return tensor with { Data = assembly.Data, StagedTransfer = null };
        });
    }

    private void DropAbandoned()
    {
        foreach (var (key, assembly) in _assemblies)
        {
            if (Stopwatch.GetElapsedTime(assembly.StartedAt) > options.Value.AbandonedAfter)
            {
                _assemblies.TryRemove(key, out _);
            }
        }
    }

    private sealed class Assembly(long length)
    {
        private long _received;

        public long StartedAt { get; } = Stopwatch.GetTimestamp();

        public long Length => length;

        // Every byte is written by a chunk before the tensor is used, so the array need not be zeroed first.
        public byte[] Data { get; } = GC.AllocateUninitializedArray<byte>(checked((int)length));

        public long Received => Interlocked.Read(ref _received);

        public bool Complete => Received == length;

        public void Add(ActivationChunk chunk)
        {
            chunk.Data.CopyTo(Data, chunk.Offset);
            Interlocked.Add(ref _received, chunk.Data.LongLength);
        }
    }
}
