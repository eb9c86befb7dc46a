using System.CommandLine;
using System.Globalization;
using EdgeCluster.Client.Fleet;
using EdgeCluster.Client.Load;
using EdgeCluster.Client.Output;
using Spectre.Console;

namespace EdgeCluster.Client.Commands;

/// <summary><c>load</c>: closed-loop load against a deployed model, entering at one device.</summary>
public static class LoadCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Deployed model name", Required = true };
        var requests = new Option<int>("--requests") { Description = "Requests to send", DefaultValueFactory = _ => 100 };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight at once", DefaultValueFactory = _ => 4 };
        var device = new Option<string?>("--device") { Description = "Origin device (default: the device of stage 0)" };
        var origins = new Option<string?>("--origins") { Description = "Comma-separated origin devices; requests are spread over them, each entering at its own device" };
        var seed = CommonOptions.Seed();
        var gateway = CommonOptions.Gateway();
        var clusterId = CommonOptions.ClusterId();
        var json = CommonOptions.Json();
        var command = new Command("load", "Closed-loop load: N requests, C at a time, with deterministic inputs") { model, requests, concurrency, device, origins, seed, gateway, clusterId, json };
        command.SetAction(async (result, cancellationToken) =>
        {
            var name = result.GetValue(model)!;
            var originDevices = DeployCommand.ParseDevices(result.GetValue(origins));
            var info = default(Grains.Interfaces.Models.ModelInfo);
            await using (var catalog = await FleetConnection.ConnectAsync(result.GetValue(gateway), result.GetValue(clusterId), null, cancellationToken))
            {
                info = (await catalog.ListModelsAsync()).FirstOrDefault(m => m.Name == name) ?? throw new EdgeClusterCliException($"Model '{name}' is not registered.");
                if (originDevices.Length == 0)
                {
                    originDevices = [result.GetValue(device)
                        ?? (await catalog.GetDeploymentAsync(name)).Route?.Stages[0].DeviceId
                        ?? throw new EdgeClusterCliException($"Model '{name}' is not deployed.")];
                }
            }

            var entries = new List<LoadOrigin>();
            var resources = new List<IAsyncDisposable>();
            try
            {
                foreach (var origin in originDevices)
                {
                    var client = await FleetConnection.ConnectAsync(result.GetValue(gateway), result.GetValue(clusterId), result.GetValue(gateway) is null ? origin : null, cancellationToken);
                    resources.Add(client);
                    var originGateway = result.GetValue(gateway)
                        ?? FleetState.TryRead(EdgeClusterHome.Resolve())?.Silo(origin).Gateway
                        ?? throw new EdgeClusterCliException("No local fleet is recorded; pass --gateway and --cluster-id.");
                    var watch = new OriginWatch(Connection.EdgeClusterClientOptions.ParseEndpoint(originGateway));
                    resources.Add(watch);
                    entries.Add(new LoadOrigin(origin, client, watch));
                }

                var generator = new LoadGenerator(entries[0].Client, name, entries[0].Device, ModelInputs.For(info, result.GetValue(seed)), entries[0].Watch) { Origins = entries };
                var succeeded = new System.Collections.Concurrent.ConcurrentBag<(string RequestId, string Origin)>();
                var report = await generator.RunAsync(
                    result.GetValue(requests), result.GetValue(concurrency),
                    completion =>
                    {
                        if (completion.Result is not null)
                        {
                            succeeded.Add((completion.RequestId, generator.OriginOf(completion.Index).Device));
                        }
                    },
                    cancellationToken);
                report = report with
                {
                    RawInputBytesOffDevice = await RawInputGuard.BytesOffDeviceAsync(entries[0].Client, succeeded, [.. info.Inputs.Select(i => i.Name)], cancellationToken),
                };
                Print(report);
                if (result.GetValue(json))
                {
                    JsonLine.Write(report.ToJson());
                }

                return report.Failed == 0 && report.Duplicates == 0 && report.RawInputBytesOffDevice == 0 ? 0 : 1;
            }
            finally
            {
                foreach (var resource in Enumerable.Reverse(resources))
                {
                    await resource.DisposeAsync();
                }
            }
        });
        return command;
    }

    public static void Print(LoadReport report)
    {
        var table = new Table().AddColumns("requests", "ok", "failed", "retried", "duplicates", "p50 ms", "p95 ms", "p99 ms", "req/s");
        table.AddRow(
            report.Requests.ToString(CultureInfo.InvariantCulture), report.Ok.ToString(CultureInfo.InvariantCulture),
            report.Failed.ToString(CultureInfo.InvariantCulture), report.Retried.ToString(CultureInfo.InvariantCulture),
            report.Duplicates.ToString(CultureInfo.InvariantCulture), report.P50Milliseconds.ToString("F1", CultureInfo.InvariantCulture),
            report.P95Milliseconds.ToString("F1", CultureInfo.InvariantCulture), report.P99Milliseconds.ToString("F1", CultureInfo.InvariantCulture),
            report.ThroughputRps.ToString("F1", CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        foreach (var (origin, count) in report.PerOrigin)
        {
            AnsiConsole.MarkupLineInterpolated($"entered at {origin}: {count}");
        }

        foreach (var (replica, count) in report.PerReplica)
        {
            AnsiConsole.MarkupLineInterpolated($"stage {replica}: {count}");
        }

        if (report.RawInputBytesOffDevice is { } offDevice)
        {
            AnsiConsole.MarkupLineInterpolated($"raw input bytes received off their origin: {offDevice}");
        }

        foreach (var (reason, count) in report.FailedByReason)
        {
            AnsiConsole.MarkupLineInterpolated($"failed ({reason}): {count}");
        }
    }
}
