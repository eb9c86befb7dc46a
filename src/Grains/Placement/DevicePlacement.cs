namespace EdgeCluster.Grains.Placement;

/// <summary>Places an activation on the silo whose name is the device id at the start of the grain key.</summary>
[GenerateSerializer, Alias("edgecluster.device-placement")]
public sealed class DevicePlacement : PlacementStrategy
{
    public static readonly DevicePlacement Instance = new();
}
