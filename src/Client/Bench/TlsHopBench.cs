using EdgeCluster.Client.Fleet;

namespace EdgeCluster.Client.Bench;

/// <summary>The 1 MiB hop (two-stage latency minus one-stage) on a plain fleet and on a TLS fleet, timed in the same rounds.</summary>
public sealed record TlsHopFigures(double PlainMilliseconds, double TlsMilliseconds);

/// <summary>
/// What encrypting a fleet's links costs: two fleets of two silos side by side, one plain and one started as
/// <c>fleet up --tls</c> starts it, each with the hop model in one and in two stages. Every round times one request of
/// each deployment back to back, so a load change on the machine hits both fleets.
/// </summary>
public sealed class TlsHopBench(BenchSettings settings, IProgress<string> progress)
{
    private const string Model = "hop1mib";

    public async Task<TlsHopFigures> RunAsync(CancellationToken cancellationToken)
    {
        progress.Report("starting two fleets of 2 silos, one plain and one over TLS");
        await using var plain = await StartAsync(LoopbackBench.Options, cancellationToken);
        await using var tls = await StartAsync(LoopbackBench.Options with { Tls = true }, cancellationToken);
        var input = HopModel.Input();

        var warmup = settings.WarmupRuns * HopModel.PairsPerRound;
        var runs = settings.Runs * HopModel.PairsPerRound;
        progress.Report($"timing the 1 MiB hop, plain and over TLS ({runs} rounds)");
        var times = new[] { plain, tls }.Select(fleet => new HopTimes(fleet, "hop1", "hop2")).ToArray();
        for (var round = 0; round < warmup + runs; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var fleetTimes in times)
            {
                await fleetTimes.TimePairsAsync(input, 1, record: round >= warmup);
            }
        }

        return new TlsHopFigures(times[0].OverheadMilliseconds, times[1].OverheadMilliseconds);
    }

    private async Task<BenchFleet> StartAsync(FleetLaunchOptions options, CancellationToken cancellationToken)
    {
        var fleet = await BenchFleet.StartAsync(2, options, progress, cancellationToken);
        try
        {
            await fleet.Client.RegisterModelAsync(Model, HopModel.Build(), cancellationToken: cancellationToken);
            await fleet.DeployAsync("hop1", Model, 1);
            await fleet.DeployAsync("hop2", Model, 2);
            return fleet;
        }
        catch
        {
            await fleet.DisposeAsync();
            throw;
        }
    }
}
