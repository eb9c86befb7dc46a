using EdgeCluster.Grains.Interfaces.Inference;
using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Grains.Inference;

/// <summary>One request waiting in a <see cref="PendingBatch"/>: its checked inputs in model order and where its answer goes.</summary>
internal sealed class BatchRequest(IReadOnlyList<NamedTensor> inputs, long rows, string[] outputNames, Func<int, byte[]>? allocateOutput, string? ticket)
{
    // Asynchronous continuations: the compute thread answers every request of a batch before any caller goes on with its own.
    private readonly TaskCompletionSource<ShardRunResult> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<NamedTensor> Inputs => inputs;

    public long Rows => rows;

    public string[] OutputNames => outputNames;

    public Func<int, byte[]>? AllocateOutput => allocateOutput;

    public string? Ticket => ticket;

    public Task<ShardRunResult> Result => _result.Task;

    public void Complete(ShardRunResult result) => _result.TrySetResult(result);

    public void Fail(Exception exception) => _result.TrySetException(exception);
}
