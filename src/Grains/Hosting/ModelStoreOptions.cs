namespace EdgeCluster.Grains.Hosting;

/// <summary>Where this silo keeps model and shard files (section <c>EdgeCluster:ModelStore</c>).</summary>
public sealed class ModelStoreOptions
{
    public const string Section = "EdgeCluster:ModelStore";

    /// <summary>Folder of content-addressed model files; default: a per-device folder under the temp directory.</summary>
    public string? Path { get; set; }
}
