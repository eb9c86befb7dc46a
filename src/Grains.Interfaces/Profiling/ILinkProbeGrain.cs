using EdgeCluster.Grains.Interfaces.Devices;

namespace EdgeCluster.Grains.Interfaces.Profiling;

/// <summary>
/// Measures the live fleet for the planner, from one device: its compute speed, and the link to another device
/// (round trip of an empty call, bandwidth of one call carrying a known number of bytes).
/// Key: <see cref="KeyFor"/>(device); the activation lives on that device.
/// </summary>
[Alias("edgecluster.ILinkProbeGrain")]
public interface ILinkProbeGrain : IGrainWithStringKey
{
    const string KeySuffix = "probe";

    /// <summary>Orleans refuses message bodies over 100 MB; probes stay well below it.</summary>
    const int MaxPayloadBytes = 64 << 20;

    /// <summary>
    /// From this device to <paramref name="toDevice"/>'s probe: the median round trip of a few empty calls, then
    /// <paramref name="rounds"/> calls each carrying <paramref name="payloadBytes"/> bytes; the fastest one gives the bandwidth.
    /// </summary>
    [Alias("measure-link")]
    Task<LinkMeasurement> MeasureLinkAsync(string toDevice, int payloadBytes, int rounds);

    /// <summary>This device's relative compute speed, measured now (the same scale as <see cref="DeviceInfo.RelativeSpeed"/>).</summary>
    [Alias("measure-speed")]
    Task<DeviceSpeedMeasurement> MeasureSpeedAsync();

    /// <summary>Takes a payload and answers with the number of bytes that arrived.</summary>
    [Alias("receive")]
    Task<int> ReceiveAsync(byte[] payload);

    /// <summary>An empty call: its round trip is the link's latency.</summary>
    [Alias("ping")]
    Task PingAsync();

    static string KeyFor(string device) => DeviceGrainKey.Create(device, KeySuffix);
}
