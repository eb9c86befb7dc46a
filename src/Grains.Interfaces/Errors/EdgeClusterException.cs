namespace EdgeCluster.Grains.Interfaces.Errors;

/// <summary>An error with a kind the caller can act on and a message that names the problem.</summary>
[GenerateSerializer, Alias("edgecluster.error")]
public sealed class EdgeClusterException : Exception
{
    public EdgeClusterException()
    {
    }

    public EdgeClusterException(string message)
        : base(message)
    {
    }

    public EdgeClusterException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public EdgeClusterException(EdgeClusterErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
    }

    [Id(0)]
    public EdgeClusterErrorKind Kind { get; init; }

    public static EdgeClusterException NotFound(string message) => new(EdgeClusterErrorKind.NotFound, message);

    public static EdgeClusterException InvalidArgument(string message) => new(EdgeClusterErrorKind.InvalidArgument, message);

    public static EdgeClusterException Unavailable(string message) => new(EdgeClusterErrorKind.Unavailable, message);
}
