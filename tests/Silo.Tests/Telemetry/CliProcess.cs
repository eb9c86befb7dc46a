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
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        foreach (var argument in (string[])["exec", Path.Combine(AppContext.BaseDirectory, "edgecluster.dll"), .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"edgecluster {string.Join(' ', arguments)} did not finish within 2 minutes.");
        }

        return (process.ExitCode, await output, await error);
    }
}
