using EdgeCluster.Grains.Interfaces.Inference;
using EdgeCluster.Grains.Interfaces.Tensors;

namespace EdgeCluster.Grains.Transfer;

/// <summary>
/// The sending side of large activations: every tensor over the inline limit is sent to the next stage's grain in
/// chunks, one call at a time, and leaves the stage call with empty data and the transfer id.
/// </summary>
public static class ActivationChunker
{
    /// <summary>Sends the chunks of every large tensor to <paramref name="next"/> and returns the tensors as the stage call carries them.</summary>
    public static async Task<TensorPayload[]> StageAsync(
        IPipelineStageGrain next, string requestId, TensorPayload[] tensors, ActivationTransferOptions options)
    {
        if (!Array.Exists(tensors, t => t.Data.Length > options.InlineLimitBytes))
        {
            return tensors;
        }

        var transfer = $"{requestId}/{Guid.NewGuid():N}";
        var staged = new TensorPayload[tensors.Length];
        for (var i = 0; i < tensors.Length; i++)
        {
            var tensor = tensors[i];
            if (tensor.Data.Length <= options.InlineLimitBytes)
            {
                staged[i] = tensor;
                continue;
            }

            for (var offset = 0; offset < tensor.Data.Length; offset += options.ChunkBytes)
            {
                var data = tensor.Data.AsSpan(offset, Math.Min(options.ChunkBytes, tensor.Data.Length - offset)).ToArray();
                await next.ReceiveChunkAsync(new ActivationChunk(transfer, requestId, tensor.Name, offset, tensor.Data.Length, data));
            }

            staged[i] = tensor with { Data = [], StagedTransfer = transfer };
        }

        return staged;
    }
}
