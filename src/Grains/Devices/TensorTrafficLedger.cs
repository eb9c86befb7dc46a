using System.Collections.Concurrent;
using EdgeCluster.Grains.Interfaces.Inference;

namespace EdgeCluster.Grains.Devices;

/// <summary>Per request, the tensor bytes this silo received, by tensor name; keeps the most recent requests only.</summary>
public sealed class TensorTrafficLedger
{
    private const int RequestsKept = 20_000;

    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, long>> _byRequest = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();

    public void Record(string requestId, string tensorName, long bytes)
    {
        var tensors = _byRequest.GetOrAdd(requestId, id =>
        {
            _order.Enqueue(id);
            return new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        });
        tensors.AddOrUpdate(tensorName, bytes, (_, sum) => sum + bytes);
        while (_order.Count > RequestsKept && _order.TryDequeue(out var oldest))
        {
            _byRequest.TryRemove(oldest, out _);
        }
    }

    public IReadOnlyDictionary<string, long> Received(string requestId) =>
        _byRequest.TryGetValue(requestId, out var tensors)
            ? new Dictionary<string, long>(tensors, StringComparer.Ordinal)
            : new Dictionary<string, long>(StringComparer.Ordinal);

    /// <summary>Records the tensors inside <paramref name="argument"/>, if it is a request that carries any.</summary>
    public void RecordArrivals(object? argument)
    {
        switch (argument)
        {
            case InferenceRequest inference:
                foreach (var tensor in inference.Inputs)
                {
                    Record(inference.RequestId, tensor.Name, tensor.ByteCount);
                }

                break;
            case StageRequest stage:
                foreach (var tensor in stage.Tensors)
                {
                    Record(stage.RequestId, tensor.Name, tensor.ByteCount);
                }

                break;
            case ActivationChunk chunk:
                Record(chunk.RequestId, chunk.TensorName, chunk.Data.LongLength);
                break;
        }
    }
}
