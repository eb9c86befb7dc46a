namespace EdgeCluster.Grains.Interfaces.Models;

public static class ModelTransfer
{
    /// <summary>
    /// Bytes per chunk when model files move between client, registry and devices. Orleans tears
    /// down a whole connection when one message body passes 100 MB, and large messages stall
    /// other traffic on the link, so no model moves in one message.
    /// </summary>
    public const int ChunkBytes = 4 * 1024 * 1024;
}
