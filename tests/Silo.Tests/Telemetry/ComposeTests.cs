using System.Text.Json;

namespace EdgeCluster.Silo.Tests.Telemetry;

/// <summary>The demo fleet in compose/, checked by the tools that read it, without a container engine.</summary>
public sealed class ComposeTests
{
    // docker-compose (Python) takes seconds to start: resolve the file once for every test that reads it.
    private static readonly Lazy<Task<string>> Resolved = new(async () =>
    {
        var (exitCode, resolved, error) = await ExternalTool.RunAsync("docker-compose", "-f", RepositoryPaths.ComposeFile, "config");
        Assert.True(exitCode == 0, $"docker-compose config failed: {error}");
        return resolved;
    });

    [RequiresToolFact("docker-compose")]
    public async Task DockerComposeAcceptsTheDemoFleetWithEveryService()
    {
        var (exitCode, services, error) = await ExternalTool.RunAsync("docker-compose", "-f", RepositoryPaths.ComposeFile, "config", "--services");

        Assert.True(exitCode == 0, $"docker-compose config failed: {error}");
        Assert.Equal(
            ["grafana", "jaeger", "otel-collector", "postgres", "prometheus", "silo-1", "silo-2", "silo-3"],
            services.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal));
    }

    [RequiresToolFact("docker-compose")]
    public async Task EverySiloIsConfiguredAsItsOwnDeviceOnAdoNetClustering()
    {
        var resolved = await Resolved.Value;

        foreach (var n in (int[])[1, 2, 3])
        {
            var silo = Section(resolved, $"  silo-{n}:");
            Assert.Contains($"EdgeCluster__Device__Id: device-{n}", silo);
            Assert.Contains($"EdgeCluster__Device__HttpEndpoint: http://silo-{n}:8080", silo);
            Assert.Contains("Orleans__Clustering__ProviderType: AdoNet", silo);
            Assert.Contains("Orleans__Clustering__Invariant: Npgsql", silo);
            Assert.Contains("Orleans__Clustering__ConnectionString: Host=postgres;", silo);
            Assert.Contains("Orleans__ClusterId: edgecluster-demo", silo);
            Assert.Contains("Kestrel__Endpoints__Http__Url: http://0.0.0.0:8080", silo);
            Assert.Contains("OTEL_EXPORTER_OTLP_ENDPOINT: http://otel-collector:4317", silo);
            Assert.Contains("dockerfile: compose/Dockerfile", silo);
        }
    }

    [RequiresToolFact("docker-compose")]
    public async Task EveryFileTheFleetMountsExistsInTheRepository()
    {
        var resolved = await Resolved.Value;

        // docker-compose resolves bind mounts to absolute host paths; named volumes stay bare names.
        var mounts = resolved.Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.StartsWith("- /", StringComparison.Ordinal))
            .Select(line => line[2..].Split(':')[0])
            .ToList();
        Assert.Equal(5, mounts.Count); // the schema, the collector and Prometheus configs, Grafana's provisioning and dashboards
        Assert.All(mounts, path => Assert.True(File.Exists(path) || Directory.Exists(path), $"{path} is mounted but does not exist"));
    }

    [Fact]
    public void TheDockerfileRestoresEveryProjectUnderSrc()
    {
        var dockerfile = File.ReadAllText(Path.Combine(RepositoryPaths.Compose, "Dockerfile"));
        var projects = Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "src"), "*.csproj", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(RepositoryPaths.Root, path).Replace('\\', '/'))
            .ToList();

        Assert.NotEmpty(projects);
        Assert.All(projects, project => Assert.Contains($"COPY {project} ", dockerfile));
    }

    [RequiresToolFact("promtool")]
    public async Task PromtoolAcceptsThePrometheusConfiguration()
    {
        var (exitCode, output, error) = await ExternalTool.RunAsync("promtool", "check", "config", RepositoryPaths.PrometheusConfig);

        Assert.True(exitCode == 0, $"promtool check config failed: {output}{error}");
        Assert.Contains("SUCCESS", output + error);
    }

    [Fact]
    public void TheDashboardUsesTheProvisionedPrometheusDatasourceAndCoversTheFleetOverview()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(RepositoryPaths.FleetDashboard));
        var panels = dashboard.RootElement.GetProperty("panels").EnumerateArray().ToList();
        var datasources = File.ReadAllText(RepositoryPaths.GrafanaDatasources);

        Assert.Contains("uid: prometheus", datasources);
        Assert.All(panels, p => Assert.Equal("prometheus", p.GetProperty("datasource").GetProperty("uid").GetString()));
        var titles = panels.Select(p => p.GetProperty("title").GetString()).ToList();
        Assert.Contains("Request rate by model", titles);
        Assert.Contains("Request latency percentiles", titles);
        Assert.Contains("Stage compute time per device", titles);
        Assert.Contains("Activation bytes per link", titles);
        Assert.Contains("Errors by reason", titles);
    }

    /// <summary>The lines of a top-level service in resolved compose YAML, from its key to the next service's.</summary>
    private static string Section(string yaml, string header)
    {
        var lines = yaml.Split('\n');
        var start = Array.FindIndex(lines, line => line.TrimEnd() == header);
        Assert.True(start >= 0, $"no '{header.Trim()}' in the resolved compose file");
        var end = Array.FindIndex(lines, start + 1, line => line.Length > 2 && line.StartsWith("  ", StringComparison.Ordinal) && line[2] != ' ');
        return string.Join('\n', lines[start..(end < 0 ? lines.Length : end)]);
    }
}
