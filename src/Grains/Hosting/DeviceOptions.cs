namespace EdgeCluster.Grains.Hosting;

/// <summary>What this silo's device is and can do (section <c>EdgeCluster:Device</c>).</summary>
public sealed class DeviceOptions
{
    public const string Section = "EdgeCluster:Device";

    /// <summary>The device id; it becomes the silo name, which device placement matches on. Default: the machine name.</summary>
    public string? Id { get; set; }

    public string[] Labels { get; set; } = [];

    /// <summary>Cores the device offers; 0 means <see cref="Environment.ProcessorCount"/>.</summary>
    public int Cores { get; set; }

    /// <summary><see cref="Cores"/>, or <see cref="Environment.ProcessorCount"/> when it is 0.</summary>
    public int EffectiveCores => Cores > 0 ? Cores : Environment.ProcessorCount;

    /// <summary>Memory budget for model shards in bytes; 0 means the memory available to the process.</summary>
    public long MemoryBytes { get; set; }

    /// <summary>Relative compute speed for the planner; 0 means measure it at start-up.</summary>
    public double RelativeSpeed { get; set; }

    /// <summary>This silo's HTTP endpoint as clients should reach it, advertised in the device registry.</summary>
    public string? HttpEndpoint { get; set; }

    /// <summary>This silo's gRPC (Open Inference Protocol) endpoint as HOST:PORT, advertised in the device registry.</summary>
    public string? GrpcEndpoint { get; set; }
}
