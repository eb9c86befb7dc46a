namespace EdgeCluster.Onnx;

/// <summary>Thrown when ONNX model bytes cannot be parsed or loaded.</summary>
public sealed class InvalidModelException : Exception
{
    /// <summary>Creates the exception with a message naming the problem.</summary>
    public InvalidModelException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public InvalidModelException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
