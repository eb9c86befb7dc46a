namespace EdgeCluster.Client.Fleet;

/// <summary>The folder holding the local fleet's state, logs and model stores: <c>EDGECLUSTER_HOME</c>, else ~/.edgecluster.</summary>
public static class EdgeClusterHome
{
    public const string Variable = "EDGECLUSTER_HOME";

    public static string Resolve() =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } home
            ? home
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".edgecluster");
}
