using System.Diagnostics;

namespace EdgeCluster.Silo.Tests.Telemetry;

/// <summary>Runs the <c>edgecluster</c> CLI built beside the tests as a separate process, as a user's shell would.</summary>
public static class CliProcess
{
    public static Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] arguments) =>
        RunAsync(new Dictionary<string, string>(), arguments);

    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var processPath = Environment.ProcessPath ?? "dotnet";
        var dotnet = Path.GetFileNameWithoutExtension(processPath) == "dotnet" ? processPath
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
            : "dotnet";
        var start = new ProcessStartInfo(dotnet);
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        foreach (var argument in (string[])["exec", Path.Combine(AppContext.BaseDirectory, "edgecluster.dll"), .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        return await CapturedProcess.RunAsync(start, $"edgecluster {string.Join(' ', arguments)}");
    }
}
