using System.Diagnostics;
using System.Globalization;
using System.Net;
using EdgeCluster.Client.Connection;

namespace EdgeCluster.Client.Fleet;

/// <summary>
/// Starts and stops a fleet of silo processes on this machine: by default on loopback with development
/// (localhost) clustering; with <see cref="FleetLaunchOptions"/> on PostgreSQL membership, one network
/// namespace per device, and supervised silos.
/// </summary>
public sealed class FleetLauncher(string home)
{
    public static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(120);

    private const int PortsPerSilo = 4;
    private const string FleetVariable = "EDGECLUSTER_FLEET_ID";

    /// <summary>The runtime's multiplier of its tier-up delay on one core; silos start with it at 1 unless it is set already.</summary>
    public const string SingleCoreTieringVariable = "DOTNET_TC_DelaySingleProcMultiplier";

    public string Home { get; } = home;

    public Task<FleetState> UpAsync(int silos, IProgress<string>? progress = null, CancellationToken cancellationToken = default) =>
        UpAsync(silos, FleetLaunchOptions.Development, progress, cancellationToken);

    public async Task<FleetState> UpAsync(int silos, FleetLaunchOptions options, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        if (silos < 1)
        {
            throw new EdgeClusterCliException($"A fleet needs at least one silo; {silos} were asked for.");
        }

        if (options.Rig is { } rig && rig.Devices.Count < silos)
        {
            throw new EdgeClusterCliException($"The rig has {rig.Devices.Count} device namespaces; {silos} silos were asked for.");
        }

        if (FleetState.TryRead(Home) is { } existing && existing.Silos.Any(s => ProcessSignals.IsAlive(s.Pid)))
        {
            throw new EdgeClusterCliException($"A fleet is already running from {Home} ({existing.Silos.Count} silos); run 'edgecluster fleet down' first.");
        }

        var fleetId = Guid.NewGuid().ToString("N")[..12];
        var plans = Plan(silos, options);
        var state = new FleetState(fleetId, $"edgecluster-{fleetId}", EdgeClusterClientOptions.DefaultServiceId, [])
        {
            Database = options.Database,
            TlsFolder = options.Tls ? FleetTlsFolder.Create(Path.Combine(Home, "tls"), fleetId).Path : null,
        };
        var started = new List<FleetSilo>();
        try
        {
            if (options.Database is null)
            {
                // Development clustering: the primary must listen before the others look for it.
                started.Add(Start(state, plans[0], plans[0], options));
                state = state with { Silos = [.. started] };
                state.Write(Home);
                progress?.Report($"started {plans[0].Device}");
                await WaitForHttpAsync(plans[0], started[0], cancellationToken);
            }

            foreach (var plan in plans.Skip(started.Count))
            {
                started.Add(Start(state, plan, plans[0], options));
                progress?.Report($"started {plan.Device}");
            }

            state = state with { Silos = [.. started] };
            state.Write(Home);
            await WaitForJoinAsync(state, state.Silos, progress, cancellationToken);
            return state;
        }
        catch
        {
            await StopAsync(state with { Silos = [.. started] });
            throw;
        }
    }

    /// <summary>Starts one more device that joins the running fleet (the rig, if any, must already have its namespace).</summary>
    public async Task<FleetState> JoinAsync(FleetState state, FleetLaunchOptions options, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var index = state.Silos.Count + 1;
        var plan = Plan(index, options)[index - 1];
        var primary = Plan(1, options)[0] with { SiloPort = state.Silos[0].SiloPort };
        var silo = Start(state, plan, primary, options);
        progress?.Report($"started {plan.Device}");
        var joined = state with { Silos = [.. state.Silos, silo] };
        joined.Write(Home);
        await WaitForJoinAsync(joined, [silo], progress, cancellationToken);
        return joined;
    }

    /// <summary>Where a development fleet keeps its fleet-wide grain state while it runs.</summary>
    public string StateDirectory(FleetState state) => Path.Combine(Home, "state", state.ClusterId);

    public async Task<IReadOnlyList<FleetSilo>> DownAsync()
    {
        var state = FleetState.TryRead(Home);
        if (state is null)
        {
            return [];
        }

        var stopped = await StopAsync(state);
        FleetState.Delete(Home);
        if (state.TlsFolder is { } tls)
        {
            new FleetTlsFolder(tls).Delete();
        }

        var fleetState = StateDirectory(state);
        if (Directory.Exists(fleetState))
        {
            Directory.Delete(fleetState, recursive: true);
        }

        return stopped;
    }

    /// <summary>Stops the recorded processes that still carry this fleet's id: never a recycled pid of someone else.</summary>
    public static async Task<IReadOnlyList<FleetSilo>> StopAsync(FleetState state)
    {
        var ours = state.Silos.Where(s => IsOurs(s.Pid, state.FleetId)).ToList();

        // A supervisor is told to stop restarting, then its silo gets SIGTERM; the supervisor exits after it.
        var processes = ours.Select(s => (Silo: s, Child: s.Supervised ? SiloProcess(s) : null)).ToList();
        foreach (var (silo, child) in processes)
        {
            if (silo.Supervised)
            {
                File.WriteAllText(StopMarker(silo), "");
            }

            ProcessSignals.Terminate(child ?? silo.Pid);
        }

        var deadline = Stopwatch.StartNew();
        while (processes.Any(p => ProcessSignals.IsAlive(p.Silo.Pid) || (p.Child is { } child && ProcessSignals.IsAlive(child)))
            && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100);
        }

        foreach (var (silo, child) in processes)
        {
            if (child is { } pid && ProcessSignals.IsAlive(pid))
            {
                ProcessSignals.ForceKill(pid);
            }

            if (ProcessSignals.IsAlive(silo.Pid))
            {
                ProcessSignals.ForceKill(silo.Pid);
            }
        }

        return ours;
    }

    /// <summary>The pid of the silo process itself: the recorded pid, or for a supervised silo the supervisor's current child.</summary>
    public static int? SiloProcess(FleetSilo silo)
    {
        if (!silo.Supervised)
        {
            return ProcessSignals.IsAlive(silo.Pid) ? silo.Pid : null;
        }

        try
        {
            var children = File.ReadAllText($"/proc/{silo.Pid}/task/{silo.Pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return children.Length > 0 ? int.Parse(children[0], CultureInfo.InvariantCulture) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string StopMarker(FleetSilo silo) => silo.Log + ".stop";

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

    private static SiloPlan[] Plan(int silos, FleetLaunchOptions options)
    {
        if (options.Rig is { } rig)
        {
            // Every device has its own address in its own namespace, so all use the same well-known ports.
            return rig.Devices.Take(silos).Select(d => new SiloPlan(d.DeviceId, d.Address, 11111, 30000, 8080, 8081, d.Namespace)).ToArray();
        }

        var ports = FreePorts.Take(silos * PortsPerSilo);
        return Enumerable.Range(0, silos)
            .Select(i => new SiloPlan($"device-{i + 1}", "127.0.0.1", ports[PortsPerSilo * i], ports[(PortsPerSilo * i) + 1], ports[(PortsPerSilo * i) + 2], ports[(PortsPerSilo * i) + 3], null))
            .ToArray();
    }

    private FleetSilo Start(FleetState state, SiloPlan plan, SiloPlan primary, FleetLaunchOptions options)
    {
        var logs = Path.Combine(Home, "logs");
        Directory.CreateDirectory(logs);
        var log = Path.Combine(logs, plan.Device + ".log");
        File.Delete(log + ".stop");
        var (fileName, arguments) = SiloProcessCommand.Resolve();

        // setsid detaches the silo from this terminal's process group, so the fleet outlives the command that started it.
        // Unsupervised, the shell only redirects output to the log and then becomes the silo (exec keeps the pid);
        // supervised, it stays as the device's service manager and starts the silo again whenever it exits.
        var script = options.RestartSilos
            ? "while :; do \"$0\" \"$@\" >>\"$EDGECLUSTER_SILO_LOG\" 2>&1 </dev/null; [ -e \"$EDGECLUSTER_SILO_LOG.stop\" ] && exit 0; sleep 1; done"
            : "exec \"$0\" \"$@\" >>\"$EDGECLUSTER_SILO_LOG\" 2>&1 </dev/null";
        string[] command = ["sh", "-c", script, .. options.SiloCommandPrefix?.Invoke(plan.Device) ?? [], fileName, .. arguments];
        var start = new ProcessStartInfo("setsid") { UseShellExecute = false };
        foreach (var argument in plan.Namespace is null ? command : ["ip", "netns", "exec", plan.Namespace, .. command])
        {
            start.ArgumentList.Add(argument);
        }

        var environment = start.Environment;
        environment[FleetVariable] = state.FleetId;
        environment["EDGECLUSTER_SILO_LOG"] = log;
        environment["Orleans__ClusterId"] = state.ClusterId;
        environment["Orleans__ServiceId"] = state.ServiceId;
        if (options.Database is { } database)
        {
            environment["Orleans__Clustering__ProviderType"] = "AdoNet";
            environment["Orleans__Clustering__Invariant"] = "Npgsql";
            environment["Orleans__Clustering__ConnectionString"] = database;
        }
        else
        {
            environment["Orleans__Clustering__ProviderType"] = "Development";
            environment["Orleans__Clustering__PrimarySiloEndPoint"] = $"{primary.Address}:{primary.SiloPort}";

            // Every silo of a development fleet shares this machine's disk: the fleet's state there outlives any of its silos.
            environment["EdgeCluster__FleetState__Directory"] = StateDirectory(state);
        }

        environment["Orleans__Endpoints__AdvertisedIPAddress"] = plan.Address;
        environment["Orleans__Endpoints__SiloPort"] = plan.SiloPort.ToString(CultureInfo.InvariantCulture);
        environment["Orleans__Endpoints__GatewayPort"] = plan.GatewayPort.ToString(CultureInfo.InvariantCulture);
        environment["EdgeCluster__Device__Id"] = plan.Device;
        environment["EdgeCluster__Device__HttpEndpoint"] = plan.Http;
        environment["EdgeCluster__ModelStore__Path"] = Path.Combine(Home, "models", plan.Device);
        environment["EdgeCluster__Device__GrpcEndpoint"] = plan.Grpc;
        environment["Kestrel__Endpoints__Http__Url"] = plan.Http;
        environment["Kestrel__Endpoints__Http__Protocols"] = "Http1";
        environment["Kestrel__Endpoints__Grpc__Url"] = "http://" + plan.Grpc;

        // Cleartext gRPC needs HTTP/2 with prior knowledge, which cannot share a port with HTTP/1.1.
        environment["Kestrel__Endpoints__Grpc__Protocols"] = "Http2";

        // On one core the runtime waits ten times longer (1 s) before it re-compiles hot code optimized, and starts that
        // wait again whenever new code runs: a busy one-core silo took about a minute to reach its steady speed.
        environment.TryAdd(SingleCoreTieringVariable, "1");
        if (state.TlsFolder is { } tls)
        {
            foreach (var (name, value) in new FleetTlsFolder(tls).DeviceSettings(plan.Device))
            {
                environment[name] = value;
            }
        }

        using var process = Process.Start(start) ?? throw new EdgeClusterCliException($"Could not start the silo process for {plan.Device}.");
        return new FleetSilo(plan.Device, process.Id, $"{plan.Address}:{plan.GatewayPort}", plan.Http, plan.SiloPort, log, plan.Grpc)
        {
            Namespace = plan.Namespace,
            Supervised = options.RestartSilos,
            Address = plan.Address,
        };
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

    /// <summary>Waits until every silo of <paramref name="waitFor"/> is listed by the device registry.</summary>
    public static async Task WaitForJoinAsync(FleetState state, IReadOnlyList<FleetSilo> waitFor, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        var expected = waitFor.Select(s => s.Device).ToHashSet(StringComparer.Ordinal);
        EdgeClusterClient? client = null;
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var dead = waitFor.FirstOrDefault(s => !ProcessSignals.IsAlive(s.Pid));
                if (dead is not null)
                {
                    throw new EdgeClusterCliException($"Silo {dead.Device} exited during start-up; see {dead.Log}:{Environment.NewLine}{Tail(dead.Log)}");
                }

                try
                {
                    client ??= await EdgeClusterClient.ConnectAsync(state.ClientOptions([waitFor[0]]), cancellationToken);
                    var joined = (await client.ListDevicesAsync()).Select(d => d.DeviceId).ToHashSet(StringComparer.Ordinal);
                    if (expected.IsSubsetOf(joined))
                    {
                        progress?.Report($"{expected.Count} devices joined");
                        return;
                    }
                }
                catch (Exception exception) when (exception is not EdgeClusterCliException and not OperationCanceledException)
                {
                    // The silo's gateway is not up yet; ask again.
                    if (client is not null)
                    {
                        await client.DisposeAsync();
                        client = null;
                    }
                }

                if (deadline.Elapsed > JoinTimeout)
                {
                    throw new EdgeClusterCliException($"Devices {string.Join(", ", expected)} did not join within {JoinTimeout.TotalSeconds:F0} s; see their logs in {Path.GetDirectoryName(waitFor[0].Log)}.");
                }

                await Task.Delay(250, cancellationToken);
            }
        }
        finally
        {
            if (client is not null)
            {
                await client.DisposeAsync();
            }
        }
    }

    private static string Tail(string path) =>
        File.Exists(path) ? string.Join(Environment.NewLine, File.ReadLines(path).TakeLast(15)) : "(no log)";

    private sealed record SiloPlan(string Device, string Address, int SiloPort, int GatewayPort, int HttpPort, int GrpcPort, string? Namespace)
    {
        public string Http => $"http://{Address}:{HttpPort.ToString(CultureInfo.InvariantCulture)}";

        public string Grpc => $"{Address}:{GrpcPort.ToString(CultureInfo.InvariantCulture)}";
    }
}
