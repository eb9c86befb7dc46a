namespace EdgeCluster.Client.Fleet;

/// <summary>How to start this program again as a silo: the CLI hosts the silo under the hidden <c>silo</c> command.</summary>
public static class SiloProcessCommand
{
    public const string Verb = "silo";

    public static (string FileName, string[] Arguments) Resolve()
    {
        var self = Path.Combine(AppContext.BaseDirectory, "edgecluster.dll");
        var processPath = Environment.ProcessPath ?? "dotnet";
        var runsUnderDotnet = Path.GetFileNameWithoutExtension(processPath).Equals("dotnet", StringComparison.OrdinalIgnoreCase);

        // Under a test host or `dotnet edgecluster.dll` the process is not our apphost, so go through dotnet.
        return runsUnderDotnet || !Path.GetFileName(processPath).StartsWith("edgecluster", StringComparison.Ordinal)
            ? (DotnetPath(processPath, runsUnderDotnet), ["exec", self, Verb])
            : (processPath, [Verb]);
    }

    private static string DotnetPath(string processPath, bool runsUnderDotnet) =>
        runsUnderDotnet ? processPath
        : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : "dotnet";
}
