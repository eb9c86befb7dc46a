namespace EdgeCluster.Client;

/// <summary>A failure the CLI reports as one line, without a stack trace.</summary>
public sealed class EdgeClusterCliException(string message) : Exception(message);
