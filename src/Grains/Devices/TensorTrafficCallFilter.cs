using EdgeCluster.Grains.Interfaces.Inference;

namespace EdgeCluster.Grains.Devices;

/// <summary>
/// Counts the tensor bytes that arrive at this silo inside inference calls, before any grain code
/// runs, so locality is measured where the bytes land rather than reported by the sender. Calls that came on the
/// activation link are counted the same way by its handler.
/// </summary>
public sealed class TensorTrafficCallFilter(TensorTrafficLedger ledger) : IIncomingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context)
    {
        var request = context.Request;
        for (var i = 0; i < request.GetArgumentCount(); i++)
        {
            RecordArrivals(ledger, request.GetArgument(i));
        }

        return context.Invoke();
    }

    /// <summary>Records the tensors inside <paramref name="argument"/>, if it is a request that carries any.</summary>
    public static void RecordArrivals(TensorTrafficLedger ledger, object? argument)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        switch (argument)
        {
            case InferenceRequest inference:
                foreach (var tensor in inference.Inputs)
                {
                    ledger.Record(inference.RequestId, tensor.Name, tensor.ByteCount);
                }

                break;
            case StageRequest stage:
                foreach (var tensor in stage.Tensors)
                {
                    ledger.Record(stage.RequestId, tensor.Name, tensor.ByteCount);
                }

                break;
            case ActivationChunk chunk:
                ledger.Record(chunk.RequestId, chunk.TensorName, chunk.Data.LongLength);
                break;
        }
    }
}
