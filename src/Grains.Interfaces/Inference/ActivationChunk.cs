namespace EdgeCluster.Grains.Interfaces.Inference;

/// <summary>
/// One piece of a tensor too large for one message, sent to the next stage's device ahead of the stage call that
/// uses it. Orleans drops the whole connection when one message body passes 100 MB, so large activations travel
/// as several of these and the stage call carries the tensor with <see cref="Tensors.TensorPayload.StagedTransfer"/> set.
/// </summary>
/// <param name="TransferId">One forwarding attempt of one request: a retry sends its chunks again under a new id.</param>
/// <param name="RequestId">The request, for the receiving device's traffic ledger.</param>
/// <param name="TensorName">The tensor this piece belongs to.</param>
/// <param name="Offset">Where <paramref name="Data"/> starts in the tensor's bytes.</param>
/// <param name="TotalLength">Bytes of the whole tensor as it travels (encoded, when a codec is on the link).</param>
[GenerateSerializer, Immutable, Alias("edgecluster.activation-chunk")]
public sealed record ActivationChunk(
    [property: Id(0)] string TransferId,
    [property: Id(1)] string RequestId,
    [property: Id(2)] string TensorName,
    [property: Id(3)] long Offset,
    [property: Id(4)] long TotalLength,
    [property: Id(5)] byte[] Data);
