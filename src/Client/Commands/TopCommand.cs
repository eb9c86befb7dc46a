using System.CommandLine;
using EdgeCluster.Client.Output;
using EdgeCluster.Client.Telemetry;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace EdgeCluster.Client.Commands;

/// <summary><c>top</c>: a live view of devices, deployments, stages, links and failures, from each device's own metrics.</summary>
public static class TopCommand
{
    public static Command Create()
    {
        var interval = new Option<double>("--interval") { Description = "Seconds between refreshes", DefaultValueFactory = _ => 1.0 };
        var once = new Option<bool>("--once") { Description = "Show one refresh and exit (same as --iterations 1)" };
        var iterations = new Option<int?>("--iterations") { Description = "Show this many refreshes and exit (default: until Ctrl+C)" };
        var gateway = CommonOptions.Gateway();
        var clusterId = CommonOptions.ClusterId();
        var json = CommonOptions.Json();
        var command = new Command("top", "Live view of the fleet: devices, deployments, stages, throughput, latency and errors") { interval, once, iterations, gateway, clusterId, json };
        command.SetAction(async (result, cancellationToken) =>
        {
            var count = result.GetValue(once) ? 1 : result.GetValue(iterations);
            if (count is < 1)
            {
                throw new EdgeClusterCliException($"--iterations must be at least 1; {count} was given.");
            }

            var seconds = result.GetValue(interval);
            if (seconds is <= 0 or > 3600)
            {
                throw new EdgeClusterCliException($"--interval must be between 0 and 3600 seconds; {seconds} was given.");
            }

            await using var client = await FleetConnection.ConnectAsync(result.GetValue(gateway), result.GetValue(clusterId), null, cancellationToken);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(Math.Clamp(seconds, 1, 5)) };
            var (frame, shown) = await RunAsync(new FleetSampler(client.Grains, http), TimeSpan.FromSeconds(seconds), count, cancellationToken);
            if (result.GetValue(json) && frame is not null)
            {
                JsonLine.Write(TopView.Json(frame, shown));
            }

            return 0;
        });
        return command;
    }

    /// <summary>Samples once as the baseline for rates, then shows a frame after every interval; Ctrl+C ends an open-ended run.</summary>
    public static async Task<(TopFrame? Last, int Shown)> RunAsync(FleetSampler sampler, TimeSpan interval, int? iterations, CancellationToken cancellationToken)
    {
        TopFrame? last = null;
        var shown = 0;
        try
        {
            var previous = await sampler.SampleAsync(cancellationToken);
            async Task<IRenderable> NextAsync()
            {
                await Task.Delay(interval, cancellationToken);
                var current = await sampler.SampleAsync(cancellationToken);
                last = TopFrame.Compute(previous, current);
                previous = current;
                shown++;
                return TopView.Render(last, shown);
            }

            if (AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected)
            {
                await AnsiConsole.Live(new Text("sampling the fleet…")).StartAsync(async context =>
                {
                    while (iterations is null || shown < iterations)
                    {
                        context.UpdateTarget(await NextAsync());
                    }
                });
            }
            else
            {
                // Scripts and logs get each frame printed in turn rather than redrawn in place.
                while (iterations is null || shown < iterations)
                {
                    AnsiConsole.Write(await NextAsync());
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && iterations is null)
        {
        }

        return (last, shown);
    }
}
