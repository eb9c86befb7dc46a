using System.Diagnostics;
using EdgeCluster.Grains.Compute;
using EdgeCluster.Grains.Diagnostics;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Inference;
using EdgeCluster.Grains.Interfaces.Tensors;
using EdgeCluster.Onnx.Runtime;

namespace EdgeCluster.Grains.Inference;

/// <summary>One run of a shard's session on the device's compute queue, for its grain and for stages that borrowed the session.</summary>
public static class ShardExecution
{
    /// <param name="allocateOutput">Where the outputs' arrays come from (an exact byte length); null: fresh arrays.</param>
    public static async Task<ShardRunResult> RunAsync(
        ShardComputeQueue compute, ShardSession session, TensorPayload[] inputs, string[] outputNames, Func<int, byte[]>? allocateOutput = null)
    {
        ArgumentNullException.ThrowIfNull(compute);
        var ticket = StageQueue.CurrentTicket();
        var tensors = inputs.Select(t => t.ToNamedTensor()).ToArray();
        try
        {
            var (outputs, milliseconds) = await compute.RunAsync(() =>
            {
                var started = Stopwatch.GetTimestamp();
                var outputs = session.Run(tensors, outputNames, allocateOutput);
                return (outputs, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }, () => StageQueue.MarkStarted(ticket));
            return new ShardRunResult(outputs.Select(t => t.ToPayload()).ToArray(), milliseconds);
        }
        catch (InvalidInputException exception)
        {
            throw EdgeClusterException.InvalidArgument(exception.Message);
        }
    }
}
