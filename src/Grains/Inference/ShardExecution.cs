using System.Diagnostics;
using EdgeCluster.Grains.Compute;
using EdgeCluster.Grains.Diagnostics;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Inference;
using EdgeCluster.Grains.Interfaces.Tensors;
using EdgeCluster.Onnx.Runtime;
using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Grains.Inference;

/// <summary>One run of a shard's session on the device's compute queue, for its grain and for stages that borrowed the session.</summary>
public static class ShardExecution
{
    /// <param name="allocateOutput">Where the outputs' arrays come from (an exact byte length); null: fresh arrays.</param>
    public static Task<ShardRunResult> RunAsync(
        ShardComputeQueue compute, ShardSession session, TensorPayload[] inputs, string[] outputNames, Func<int, byte[]>? allocateOutput = null)
    {
        ArgumentNullException.ThrowIfNull(compute);
        var ticket = StageQueue.CurrentTicket();
        var tensors = inputs.Select(t => t.ToNamedTensor()).ToArray();
        return compute.RunAsync(() => Run(session, tensors, outputNames, allocateOutput), () => StageQueue.MarkStarted(ticket));
    }

    /// <summary>Runs the session on the calling thread (one that holds a compute slot) and times it; bad inputs are an invalid argument.</summary>
    public static ShardRunResult Run(ShardSession session, IReadOnlyList<NamedTensor> inputs, string[] outputNames, Func<int, byte[]>? allocateOutput)
    {
        ArgumentNullException.ThrowIfNull(session);
        try
        {
            var started = Stopwatch.GetTimestamp();
            var outputs = session.Run(inputs, outputNames, allocateOutput);
            var milliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            return new ShardRunResult(outputs.Select(t => t.ToPayload()).ToArray(), milliseconds);
        }
        catch (InvalidInputException exception)
        {
            throw EdgeClusterException.InvalidArgument(exception.Message);
        }
    }
}
