using System.Diagnostics;
using EdgeCluster.Grains.Compute;
using EdgeCluster.Grains.Diagnostics;
using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Inference;
using EdgeCluster.Grains.Interfaces.Tensors;
using EdgeCluster.Onnx.Batching;
using EdgeCluster.Onnx.Runtime;
using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Grains.Inference;

/// <summary>
/// Runs one shard session's requests in batches. A request joins an open batch of its shape, or opens one and queues it on the compute queue (after
/// the batch's wait, if any); requests that arrive while it waits there join it, until it starts or holds the most
/// rows allowed. So with no wait a lone request runs at once, and batches form only behind a busy device. Each request
/// is checked against the session before it joins, so a bad one fails alone; a batch that fails runs its requests one
/// by one, so each gets its own answer.
/// </summary>
public sealed class DynamicBatcher(ShardSession session)
{
    private readonly Lock _gate = new();
    private readonly List<PendingBatch> _open = [];
    private long _runs;
    private long _batchedRequests;

    /// <summary>Runs of the session that carried more than one request, since the batcher was made.</summary>
    public long BatchedRuns => Interlocked.Read(ref _runs);

    /// <summary>Requests that ran inside such a batch.</summary>
    public long BatchedRequests => Interlocked.Read(ref _batchedRequests);

    public async Task<ShardRunResult> RunAsync(
        ShardComputeQueue compute, TensorPayload[] inputs, string[] outputNames, StageBatching settings, Func<int, byte[]>? allocateOutput = null)
    {
        ArgumentNullException.ThrowIfNull(compute);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(settings);
        IReadOnlyList<NamedTensor> ordered;
        try
        {
            ordered = session.Validate(inputs.Select(t => t.ToNamedTensor()).ToArray());
        }
        catch (InvalidInputException exception)
        {
            throw EdgeClusterException.InvalidArgument(exception.Message);
        }

        // A request that fills a batch by itself gains nothing from waiting for others.
        if (BatchAssembly.Rows(ordered) is not { } rows || rows < 1 || rows >= settings.MaxBatchSize)
        {
            return await ShardExecution.RunAsync(compute, session, inputs, outputNames, allocateOutput);
        }

        var request = new BatchRequest(ordered, rows, outputNames, allocateOutput, StageQueue.CurrentTicket());
        PendingBatch? opened = null;
        lock (_gate)
        {
            // Requests of another shape wait in a batch of their own, without closing this one.
            var open = _open.Find(b => b.TryAdd(request, settings.MaxBatchSize));
            if (open is null)
            {
                opened = new PendingBatch(request);
                _open.Add(opened);
            }
            else if (open.Rows >= settings.MaxBatchSize)
            {
                _open.Remove(open);
                open.MarkFull();
            }
        }

        if (opened is not null)
        {
            _ = DispatchAsync(compute, opened, settings);
        }

        return await request.Result;
    }

    private async Task DispatchAsync(ShardComputeQueue compute, PendingBatch batch, StageBatching settings)
    {
        try
        {
            if (settings.MaxWaitMilliseconds > 0)
            {
                await Task.WhenAny(batch.Filled, Task.Delay(TimeSpan.FromMilliseconds(settings.MaxWaitMilliseconds)));
            }

            await compute.RunAsync(() =>
            {
                Execute(Close(batch));
                return true;
            });
        }
        catch (Exception exception)
        {
            // The queue refused the batch (the silo is stopping): every request in it hears why.
            foreach (var request in Close(batch))
            {
                request.Fail(exception);
            }
        }
    }

    private List<BatchRequest> Close(PendingBatch batch)
    {
        lock (_gate)
        {
            _open.Remove(batch);
            return batch.Close();
        }
    }

    /// <summary>On a compute thread: one run for the whole batch, each request's rows sliced out of its outputs.</summary>
    private void Execute(List<BatchRequest> requests)
    {
        foreach (var request in requests)
        {
            StageQueue.MarkStarted(request.Ticket);
        }

        if (requests.Count == 1)
        {
            RunAlone(requests[0]);
            return;
        }

        var total = requests.Sum(r => r.Rows);
        ShardRunResult[] results;
        try
        {
            var started = Stopwatch.GetTimestamp();
            var outputs = session.Run(BatchAssembly.Stack(requests.Select(r => r.Inputs).ToArray()), requests[0].OutputNames);
            var milliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            results = new ShardRunResult[requests.Count];
            long firstRow = 0;
            for (var i = 0; i < requests.Count; i++)
            {
                var request = requests[i];
                var parts = outputs.Select(o => BatchAssembly.Slice(o, total, firstRow, request.Rows, request.AllocateOutput).ToPayload()).ToArray();
                results[i] = new ShardRunResult(parts, milliseconds) { BatchRows = checked((int)total) };
                firstRow += request.Rows;
            }
        }
        catch (Exception exception) when (exception is InvalidInputException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException or InvalidOperationException)
        {
            // Something only the batch hit (an output that does not follow axis 0, memory): each request alone gets its own answer.
            foreach (var request in requests)
            {
                RunAlone(request);
            }

            return;
        }

        Interlocked.Increment(ref _runs);
        Interlocked.Add(ref _batchedRequests, requests.Count);
        for (var i = 0; i < requests.Count; i++)
        {
            requests[i].Complete(results[i]);
        }
    }

    private void RunAlone(BatchRequest request)
    {
        try
        {
            request.Complete(ShardExecution.Run(session, request.Inputs, request.OutputNames, request.AllocateOutput));
        }
        catch (Exception exception)
        {
            request.Fail(exception);
        }
    }
}
