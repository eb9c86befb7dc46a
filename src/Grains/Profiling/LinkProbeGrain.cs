using System.Diagnostics;
using EdgeCluster.Grains.Devices;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Profiling;
using EdgeCluster.Grains.Placement;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace EdgeCluster.Grains.Profiling;

/// <summary>
/// The probe of one device. Reentrant, and holding no state: two devices may measure the link between them in
/// both directions at once without waiting on each other.
/// </summary>
[DevicePlacement, Reentrant]
public sealed partial class LinkProbeGrain(ILocalSiloDetails silo, ILogger<LinkProbeGrain> logger) : Grain, ILinkProbeGrain
{
    private const int Pings = 5;
    private const int MaxRounds = 10;
    private const int SpeedRuns = 5;
    private static readonly TimeSpan SpeedRun = TimeSpan.FromMilliseconds(100);

    public async Task<LinkMeasurement> MeasureLinkAsync(string toDevice, int payloadBytes, int rounds)
    {
        if (payloadBytes < 1 || payloadBytes > ILinkProbeGrain.MaxPayloadBytes)
        {
            throw EdgeClusterException.InvalidArgument($"A probe payload must be 1 to {ILinkProbeGrain.MaxPayloadBytes} bytes; {payloadBytes} were asked for.");
        }

        if (rounds < 1 || rounds > MaxRounds)
        {
            throw EdgeClusterException.InvalidArgument($"A link probe makes 1 to {MaxRounds} transfer rounds; {rounds} were asked for.");
        }

        var target = GrainFactory.GetGrain<ILinkProbeGrain>(ILinkProbeGrain.KeyFor(toDevice));

        // The first call activates the target and opens the connection; neither belongs in the figures.
        await target.PingAsync();
        var pings = new double[Pings];
        for (var i = 0; i < Pings; i++)
        {
            var ping = Stopwatch.StartNew();
            await target.PingAsync();
            pings[i] = ping.Elapsed.TotalMilliseconds;
        }

        Array.Sort(pings);
        var roundTrip = pings[Pings / 2];

        // Random bytes: nothing on the way can shrink them.
        var payload = new byte[payloadBytes];
        Random.Shared.NextBytes(payload);
        var fastest = double.MaxValue;
        var received = 0;
        for (var i = 0; i < rounds; i++)
        {
            var transfer = Stopwatch.StartNew();
            received = await target.ReceiveAsync(payload);
            fastest = Math.Min(fastest, transfer.Elapsed.TotalMilliseconds);
        }

        // A transfer no slower than an empty call means the link is faster than this clock can tell; floor the time at a microsecond.
        var bandwidth = received / (Math.Max(fastest - roundTrip, 1e-3) / 1e3);
        var measurement = new LinkMeasurement(silo.Name, toDevice, received, roundTrip, fastest, bandwidth);
        LogMeasured(logger, silo.Name, toDevice, received, roundTrip, fastest, measurement.Megabits);
        return measurement;
    }

    public async Task<DeviceSpeedMeasurement> MeasureSpeedAsync()
    {
        // Off the grain scheduler: the probe keeps a core busy. Best of several short runs, because other work on the
        // device only ever slows a run down.
        var speed = await Task.Run(() => Enumerable.Range(0, SpeedRuns).Max(_ => DeviceSpeedProbe.Measure(SpeedRun)));
        return new DeviceSpeedMeasurement(silo.Name, speed, Environment.ProcessorCount);
    }

    public Task<int> ReceiveAsync(byte[] payload) => Task.FromResult(payload.Length);

    public Task PingAsync() => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Link {From} → {To}: {Bytes} bytes, round trip {RoundTrip:F2} ms, transfer {Transfer:F1} ms, {Megabits:F1} Mbit/s")]
    private static partial void LogMeasured(ILogger logger, string from, string to, long bytes, double roundTrip, double transfer, double megabits);
}
