using System.Diagnostics;
using System.Text.Json;
using EdgeCluster.Client.Connection;
using EdgeCluster.Client.Fleet;
using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Onnx.Runtime;
using EdgeCluster.Onnx.SampleModels;
using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Silo.Tests.Telemetry;

/// <summary>
/// One real silo process started by <see cref="FleetLauncher"/> in a temporary EDGECLUSTER_HOME, with a transformer
/// deployed in two stages on it, one request answered (sent by the <c>edgecluster infer</c> CLI with OTLP export
/// to <see cref="OtlpCapture"/>) and one rejected, so that every series the dashboard and <c>top</c> read exists.
/// Starts Prometheus on demand; stops both and deletes the folder on dispose.
/// </summary>
public sealed class LocalFleetFixture : IAsyncLifetime
{
    public const string Model = "telemetry-scrape";

    private readonly string _home = Path.Combine(Path.GetTempPath(), "edgecluster-telemetry-fleet-" + Guid.NewGuid().ToString("N"));
    private FleetLauncher? _launcher;
    private Process? _prometheus;

    public FleetState Fleet { get; private set; } = null!;

    public FleetSilo Silo => Fleet.Silos[0];

    /// <summary>The <c>--json</c> line of the answered <c>edgecluster infer</c>.</summary>
    public JsonElement Answered { get; private set; }

    /// <summary>Bytes stage 0 forwarded to stage 1 in the answered request.</summary>
    public long ForwardedBytes => Answered.GetProperty("hops")[0].GetProperty("bytes_out").GetInt64();

    /// <summary>What the CLI exported over OTLP/HTTP while it ran the answered request.</summary>
    public IReadOnlyList<(string Path, byte[] Body)> CliExports { get; private set; } = [];

    public EdgeClusterErrorKind RejectedAs { get; private set; }

    /// <summary>The base address of the Prometheus server scraping <see cref="Silo"/>, once <see cref="StartPrometheusAsync"/> ran.</summary>
    public Uri? Prometheus { get; private set; }

    public string ModelStore => Path.Combine(_home, "models", Silo.Device);

    public async Task InitializeAsync()
    {
        _launcher = new FleetLauncher(_home);
        Fleet = await _launcher.UpAsync(1);
        var options = new EdgeClusterClientOptions([EdgeClusterClientOptions.ParseEndpoint(Silo.Gateway)], Fleet.ClusterId, Fleet.ServiceId);
        await using var client = await EdgeClusterClient.ConnectAsync(options);

        var model = TransformerModel.Build(blocks: 2);
        await client.RegisterModelAsync(Model, model);
        await client.DeployAsync(Model, new DeploymentSpec(Model, 2, [Silo.Device, Silo.Device]));
        using var session = new ShardSession(model);
        var input = DeterministicInputs.Create(session.Inputs, seed: 3);
        var inputFile = Path.Combine(_home, "input.npy");
        NpyFile.Write(inputFile, input[0]);
        using (var otlp = new OtlpCapture())
        {
            var environment = new Dictionary<string, string>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp.Endpoint.ToString().TrimEnd('/'),
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            };
            var (exitCode, output, error) = await CliProcess.RunAsync(
                environment, "infer", "--model", Model, "--device", Silo.Device, "--input", inputFile,
                "--gateway", Silo.Gateway, "--cluster-id", Fleet.ClusterId, "--json");
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"edgecluster infer exited {exitCode}: {error}");
            }

            Answered = JsonDocument.Parse(output.TrimEnd().Split('\n')[^1]).RootElement.Clone();
            CliExports = otlp.Exports;
        }

        var misnamed = input.Select(t => new NamedTensor("not-an-input", t.ElementType, t.Shape, t.Data)).ToArray();
        var rejection = await Assert.ThrowsAsync<EdgeClusterException>(() => client.InferAsync(Model, Silo.Device, misnamed));
        RejectedAs = rejection.Kind;
    }

    /// <summary>Starts Prometheus (from Debian's package) scraping the silo's <c>/metrics</c> every second.</summary>
    public async Task<Uri> StartPrometheusAsync()
    {
        if (Prometheus is not null)
        {
            return Prometheus;
        }

        var port = FreePorts.Take(1)[0];
        var folder = Path.Combine(_home, "prometheus");
        Directory.CreateDirectory(folder);
        var config = Path.Combine(folder, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: edgecluster
                metrics_path: /metrics
                static_configs:
                  - targets: ["{new Uri(Silo.Http).Authority}"]
            """);
        var start = new ProcessStartInfo(ExternalTool.Find("prometheus") ?? throw new FileNotFoundException($"prometheus is not installed; run {ExternalTool.SetupScript}."))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[$"--config.file={config}", $"--storage.tsdb.path={Path.Combine(folder, "data")}", $"--web.listen-address=127.0.0.1:{port}"])
        {
            start.ArgumentList.Add(argument);
        }

        _prometheus = Process.Start(start)!;
        _prometheus.OutputDataReceived += (_, _) => { };
        _prometheus.ErrorDataReceived += (_, _) => { };
        _prometheus.BeginOutputReadLine();
        _prometheus.BeginErrorReadLine();
        Prometheus = new Uri($"http://127.0.0.1:{port}");
        return Prometheus;
    }

    public async Task DisposeAsync()
    {
        if (_prometheus is not null)
        {
            if (!_prometheus.HasExited)
            {
                _prometheus.Kill();
                await _prometheus.WaitForExitAsync();
            }

            _prometheus.Dispose();
        }

        if (_launcher is not null)
        {
            await _launcher.DownAsync();
        }

        if (Directory.Exists(_home))
        {
            Directory.Delete(_home, recursive: true);
        }
    }
}
