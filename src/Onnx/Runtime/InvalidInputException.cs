namespace EdgeCluster.Onnx.Runtime;

/// <summary>Thrown when tensors passed to a session do not match what the model declares.</summary>
public sealed class InvalidInputException : Exception
{
    /// <summary>Creates the exception for the named tensor (or none).</summary>
    public InvalidInputException(string message, string? tensorName)
        : base(message)
    {
        TensorName = tensorName;
    }

    /// <summary>The offending tensor, when the problem is tied to one.</summary>
    public string? TensorName { get; }
}
