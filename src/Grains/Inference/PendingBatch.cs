using EdgeCluster.Onnx.Batching;

namespace EdgeCluster.Grains.Inference;

/// <summary>A batch still open to requests that fit it; its <see cref="DynamicBatcher"/> guards every call with one lock.</summary>
internal sealed class PendingBatch
{
    private readonly List<BatchRequest> _requests;
    private readonly TaskCompletionSource _filled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _closed;

    public PendingBatch(BatchRequest first)
    {
        _requests = [first];
        Rows = first.Rows;
    }

    public long Rows { get; private set; }

    /// <summary>Completes when the batch holds the most rows allowed, so it need not wait out its time.</summary>
    public Task Filled => _filled.Task;

    /// <summary>Adds <paramref name="request"/> when the batch is still open, has room for its rows and runs the same tensors.</summary>
    public bool TryAdd(BatchRequest request, int maxRows)
    {
        var first = _requests[0];
        if (_closed || Rows + request.Rows > maxRows || !first.OutputNames.AsSpan().SequenceEqual(request.OutputNames)
            || !BatchAssembly.Compatible(first.Inputs, request.Inputs))
        {
            return false;
        }

        _requests.Add(request);
        Rows += request.Rows;
        return true;
    }

    public void MarkFull() => _filled.TrySetResult();

    /// <summary>Takes no more requests; returns those it holds.</summary>
    public List<BatchRequest> Close()
    {
        _closed = true;
        return _requests;
    }
}
