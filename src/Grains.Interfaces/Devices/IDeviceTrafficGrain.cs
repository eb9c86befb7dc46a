namespace EdgeCluster.Grains.Interfaces.Devices;

/// <summary>
/// What one device received for a request, counted by an incoming-call filter on that device's
/// silo, independently of the pipeline code: the evidence for data locality.
/// Key: <see cref="DeviceGrainKey.Create"/>(device, "traffic").
/// </summary>
[Alias("edgecluster.IDeviceTrafficGrain")]
public interface IDeviceTrafficGrain : IGrainWithStringKey
{
    /// <summary>Tensor bytes this device received in grain calls for <paramref name="requestId"/>, by tensor name.</summary>
    [Alias("received")]
    Task<TensorTraffic[]> GetReceivedAsync(string requestId);
}

[GenerateSerializer, Immutable, Alias("edgecluster.tensor-traffic")]
public sealed record TensorTraffic(
    [property: Id(0)] string DeviceId,
    [property: Id(1)] string TensorName,
    [property: Id(2)] long Bytes);
