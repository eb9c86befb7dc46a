namespace EdgeCluster.Onnx.Partitioning;

/// <summary>A device a stage may run on.</summary>
/// <param name="RelativeSpeed">Throughput relative to the other devices (stage time = FLOPs / speed); must be positive.</param>
/// <param name="MemoryBytes">Memory available for the stage's model.</param>
public sealed record DeviceProfile(string DeviceId, double RelativeSpeed, long MemoryBytes);
