namespace EdgeCluster.Grains.Interfaces.Errors;

/// <summary>Error classes a caller can act on; they map one-to-one onto protocol status codes.</summary>
public enum EdgeClusterErrorKind
{
    Internal = 0,
    InvalidArgument = 1,
    NotFound = 2,
    InvalidModel = 3,
    Unavailable = 4,
    ResourceExhausted = 5,
    FailedPrecondition = 6,
}
