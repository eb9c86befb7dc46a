namespace EdgeCluster.Grains.Failover;

/// <summary>
/// Raised by a stage when the deployment was re-planned under a request, so the tensors it holds no longer fit
/// the next stage; the origin catches it and starts the request again from stage 0 with the raw input it still holds.
/// </summary>
[GenerateSerializer, Alias("edgecluster.route-changed")]
public sealed class RouteChangedException : Exception
{
    public RouteChangedException()
    {
    }

    public RouteChangedException(string message)
        : base(message)
    {
    }

    public RouteChangedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
