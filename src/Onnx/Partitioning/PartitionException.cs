namespace EdgeCluster.Onnx.Partitioning;

/// <summary>Thrown when a model cannot be split as requested.</summary>
public sealed class PartitionException : Exception
{
    public PartitionException(string message)
        : base(message)
    {
    }

    public PartitionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
