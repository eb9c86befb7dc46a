namespace EdgeCluster.Silo.Tests.Telemetry;

/// <summary>Files of the repository the tests check, found by walking up from the test binaries to the solution.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Compose => Path.Combine(Root, "compose");

    public static string ComposeFile => Path.Combine(Compose, "docker-compose.yml");

    public static string PrometheusConfig => Path.Combine(Compose, "prometheus", "prometheus.yml");

    public static string FleetDashboard => Path.Combine(Compose, "grafana", "dashboards", "edgecluster-fleet.json");

    public static string GrafanaDatasources => Path.Combine(Compose, "grafana", "provisioning", "datasources", "datasources.yml");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "EdgeCluster.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No EdgeCluster.sln above {AppContext.BaseDirectory}.");
    }
}
