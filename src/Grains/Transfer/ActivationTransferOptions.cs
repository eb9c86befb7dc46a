using EdgeCluster.Grains.Interfaces.Models;

namespace EdgeCluster.Grains.Transfer;

/// <summary>How activations too large for one message move between stages (section <c>EdgeCluster:ActivationTransfer</c>).</summary>
public sealed class ActivationTransferOptions
{
    public const string Section = "EdgeCluster:ActivationTransfer";

    /// <summary>A forwarded tensor larger than this goes ahead in chunks instead of inside the stage call.</summary>
    public int InlineLimitBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Bytes per chunk; far below Orleans' 100 MB message body limit.</summary>
    public int ChunkBytes { get; set; } = ModelTransfer.ChunkBytes;

    /// <summary>Chunks that never got used (their stage call failed) are dropped after this long.</summary>
    public TimeSpan AbandonedAfter { get; set; } = TimeSpan.FromMinutes(2);
}
