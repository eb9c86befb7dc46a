using EdgeCluster.Grains.Interfaces.Devices;
using EdgeCluster.Grains.Placement;

namespace EdgeCluster.Grains.Devices;

[DevicePlacement]
public sealed class DeviceTrafficGrain(TensorTrafficLedger ledger, ILocalSiloDetails silo) : Grain, IDeviceTrafficGrain
{
    public Task<TensorTraffic[]> GetReceivedAsync(string requestId) =>
        Task.FromResult(ledger.Received(requestId)
            .OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => new TensorTraffic(silo.Name, pair.Key, pair.Value))
            .ToArray());
}
