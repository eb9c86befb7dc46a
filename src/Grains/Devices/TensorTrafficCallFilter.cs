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
            ledger.RecordArrivals(request.GetArgument(i));
        }

        return context.Invoke();
    }
}
