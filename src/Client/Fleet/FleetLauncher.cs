using System.Diagnostics;
using System.Net;
using EdgeCluster.Client.Connection;

namespace EdgeCluster.Client.Fleet;

/// <summary>Starts and stops a fleet of silo processes on this machine with development (localhost) clustering.</summary>
public sealed class FleetLauncher(string home)
{
    public static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(120);

    private const int PortsPerSilo = 4;

    public string Home { get; } = home;

    public async Task<FleetState> UpAsync(int silos, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        if (silos < 1)
        {
            throw new EdgeClusterCliException($"A fleet needs at least one silo; {silos} were asked for.");
        }

        if (FleetState.TryRead(Home) is { } existing && existing.Silos.Any(s => ProcessSignals.IsAlive(s.Pid)))
        {
            throw new EdgeClusterCliException($"A fleet is already running from {Home} ({existing.Silos.Count} silos); run 'edgecluster fleet down' first.");
        }

        var fleetId = Guid.NewGuid().ToString("N")[..12];
        var ports = FreePorts.Take(silos * PortsPerSilo);
        var plans = Enumerable.Range(0, silos)
            .Select(i => new SiloPlan($"device-{i + 1}", ports[PortsPerSilo * i], ports[(PortsPerSilo * i) + 1], ports[(PortsPerSilo * i) + 2], ports[(PortsPerSilo * i) + 3]))
            .ToArray();
        var state = new FleetState(fleetId, $"edgecluster-{fleetId}", EdgeClusterClientOptions.DefaultServiceId, []);
        var started = new List<FleetSilo>();
        try
        {
            // The primary must listen before the others look for it.
            started.Add(Start(state, plans[0], plans[0]));
            state = state with { Silos = [.. started] };
            state.Write(Home);
            progress?.Report($"started {plans[0].Device}");
            await WaitForHttpAsync(plans[0], started[0], cancellationToken);
            foreach (var plan in plans.Skip(1))
            {
                started.Add(Start(state, plan, plans[0]));
                progress?.Report($"started {plan.Device}");
            }

            state = state with { Silos = [.. started] };
            state.Write(Home);
            await WaitForJoinAsync(state, progress, cancellationToken);
            return state;
        }
        catch
        {
            await StopAsync(state with { Silos = [.. started] });
            throw;
        }
    }

    public async Task<IReadOnlyList<FleetSilo>> DownAsync()
    {
        var state = FleetState.TryRead(Home);
        if (state is null)
        {
            return [];
        }

        var stopped = await StopAsync(state);
        FleetState.Delete(Home);
        return stopped;
    }

    /// <summary>Stops the recorded processes that still carry this fleet's id: never a recycled pid of someone else.</summary>
    public static async Task<IReadOnlyList<FleetSilo>> StopAsync(FleetState state)
    {
        var ours = state.Silos.Where(s => IsOurs(s.Pid, state.FleetId)).ToList();
        foreach (var silo in ours)
        {
            ProcessSignals.Terminate(silo.Pid);
        }

        var deadline = Stopwatch.StartNew();
        while (ours.Any(s => ProcessSignals.IsAlive(s.Pid)) && deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(100);
        }

        foreach (var silo in ours.Where(s => ProcessSignals.IsAlive(s.Pid)))
        {
            ProcessSignals.ForceKill(silo.Pid);
        }

        return ours;
    }

    private static bool IsOurs(int pid, string fleetId)
    {
        try
        {
            var environment = File.ReadAllText($"/proc/{pid}/environ");
            return environment.Contains($"{FleetVariable}={fleetId}\0", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private const string FleetVariable = "EDGECLUSTER_FLEET_ID";

    private FleetSilo Start(FleetState state, SiloPlan plan, SiloPlan primary)
    {
        var logs = Path.Combine(Home, "logs");
        Directory.CreateDirectory(logs);
        var log = Path.Combine(logs, plan.Device + ".log");
        var (fileName, arguments) = SiloProcessCommand.Resolve();

        // setsid detaches the silo from this terminal's process group, so the fleet outlives the command that started it;
        // the shell only redirects output to the log and then becomes the silo (exec keeps the pid).
        var start = new ProcessStartInfo("setsid") { UseShellExecute = false };
        foreach (var argument in (string[])["sh", "-c", "exec \"$0\" \"$@\" >>\"$EDGECLUSTER_SILO_LOG\" 2>&1 </dev/null", fileName, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        var environment = start.Environment;
        environment[FleetVariable] = state.FleetId;
        environment["EDGECLUSTER_SILO_LOG"] = log;
        environment["Orleans__ClusterId"] = state.ClusterId;
        environment["Orleans__ServiceId"] = state.ServiceId;
        environment["Orleans__Clustering__ProviderType"] = "Development";
        environment["Orleans__Clustering__PrimarySiloEndPoint"] = $"127.0.0.1:{primary.SiloPort}";
        environment["Orleans__Endpoints__AdvertisedIPAddress"] = "127.0.0.1";
        environment["Orleans__Endpoints__SiloPort"] = plan.SiloPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["Orleans__Endpoints__GatewayPort"] = plan.GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["EdgeCluster__Device__Id"] = plan.Device;
        environment["EdgeCluster__Device__HttpEndpoint"] = plan.Http;
        environment["EdgeCluster__ModelStore__Path"] = Path.Combine(Home, "models", plan.Device);
        environment["EdgeCluster__Device__GrpcEndpoint"] = plan.Grpc;
        environment["Kestrel__Endpoints__Http__Url"] = plan.Http;
        environment["Kestrel__Endpoints__Http__Protocols"] = "Http1";
        environment["Kestrel__Endpoints__Grpc__Url"] = "http://" + plan.Grpc;

        // Cleartext gRPC needs HTTP/2 with prior knowledge, which cannot share a port with HTTP/1.1.
        environment["Kestrel__Endpoints__Grpc__Protocols"] = "Http2";

        using var process = Process.Start(start) ?? throw new EdgeClusterCliException($"Could not start the silo process for {plan.Device}.");
        return new FleetSilo(plan.Device, process.Id, $"127.0.0.1:{plan.GatewayPort}", plan.Http, plan.SiloPort, log, plan.Grpc);
    }

    private static async Task WaitForHttpAsync(SiloPlan plan, FleetSilo silo, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < JoinTimeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!ProcessSignals.IsAlive(silo.Pid))
            {
                throw new EdgeClusterCliException($"Silo {plan.Device} exited during start-up; see {silo.Log}:{Environment.NewLine}{Tail(silo.Log)}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(plan.Http + "/ready"), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new EdgeClusterCliException($"Silo {plan.Device} was not ready within {JoinTimeout.TotalSeconds:F0} s; see {silo.Log}.");
    }

    private static async Task WaitForJoinAsync(FleetState state, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var options = new EdgeClusterClientOptions([EdgeClusterClientOptions.ParseEndpoint(state.Silos[0].Gateway)], state.ClusterId, state.ServiceId);
        await using var client = await EdgeClusterClient.ConnectAsync(options, cancellationToken);
        var deadline = Stopwatch.StartNew();
        var expected = state.Silos.Select(s => s.Device).ToHashSet(StringComparer.Ordinal);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var dead = state.Silos.FirstOrDefault(s => !ProcessSignals.IsAlive(s.Pid));
            if (dead is not null)
            {
                throw new EdgeClusterCliException($"Silo {dead.Device} exited during start-up; see {dead.Log}:{Environment.NewLine}{Tail(dead.Log)}");
            }

            var joined = (await client.ListDevicesAsync()).Select(d => d.DeviceId).ToHashSet(StringComparer.Ordinal);
            if (expected.IsSubsetOf(joined))
            {
                progress?.Report($"{expected.Count} devices joined");
                return;
            }

            if (deadline.Elapsed > JoinTimeout)
            {
                var missing = string.Join(", ", expected.Except(joined));
                throw new EdgeClusterCliException($"Devices {missing} did not join within {JoinTimeout.TotalSeconds:F0} s; see their logs in {Path.Combine(state.Silos[0].Log, "..")}.");
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    private static string Tail(string path) =>
        File.Exists(path) ? string.Join(Environment.NewLine, File.ReadLines(path).TakeLast(15)) : "(no log)";

    private sealed record SiloPlan(string Device, int SiloPort, int GatewayPort, int HttpPort, int GrpcPort)
    {
        public string Http => $"http://127.0.0.1:{HttpPort}";

        public string Grpc => $"127.0.0.1:{GrpcPort}";
    }
}
