namespace EdgeCluster.Grains.Transfer.Link;

/// <summary>
/// A call sent on a link whose connection failed before the answer came: the callee may or may not have run it,
/// as with a silo that dies under an Orleans call, so callers treat it as that device's failure.
/// </summary>
public sealed class ActivationLinkBrokenException : IOException
{
    public ActivationLinkBrokenException()
    {
    }

    public ActivationLinkBrokenException(string message)
        : base(message)
    {
    }

    public ActivationLinkBrokenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
