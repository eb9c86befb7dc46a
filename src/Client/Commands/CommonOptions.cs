using System.CommandLine;

namespace EdgeCluster.Client.Commands;

public static class CommonOptions
{
    public static Option<bool> Json() => new("--json") { Description = "End with one JSON object on the last line" };

    public static Option<string?> Gateway() => new("--gateway") { Description = "HOST:PORT of a silo gateway (default: the local fleet)" };

    public static Option<string?> ClusterId() => new("--cluster-id") { Description = "Cluster id to use with --gateway" };

    public static Option<int> Stages(int defaultValue) => new("--stages")
    {
        Description = "Number of pipeline stages",
        DefaultValueFactory = _ => defaultValue,
    };

    public static Option<int> Seed() => new("--seed") { Description = "Seed of the deterministic input", DefaultValueFactory = _ => 0 };
}
