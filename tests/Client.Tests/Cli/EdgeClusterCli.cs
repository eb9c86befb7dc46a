using System.Diagnostics;

namespace EdgeCluster.Client.Tests.Cli;

/// <summary>
/// Runs the built CLI as users do, <c>dotnet exec edgecluster.dll ...</c>, from this test's output folder
/// (the Client project reference copies it there), with its own <c>EDGECLUSTER_HOME</c>.
/// </summary>
public static class EdgeClusterCli
{
    // Only a safety net against a hung process; no test depends on how fast a command is.
    private static readonly TimeSpan HangTimeout = TimeSpan.FromMinutes(10);

    public static string AssemblyPath { get; } = Path.Combine(AppContext.BaseDirectory, "edgecluster.dll");

    public static async Task<CliRun> RunAsync(string home, params string[] arguments)
    {
        using var process = new Process { StartInfo = StartInfo(home, arguments) };
        process.Start();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(HangTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"'edgecluster {string.Join(' ', arguments)}' did not finish within {HangTimeout}.");
        }

        return new CliRun(arguments, process.ExitCode, await output, await error);
    }

    private static ProcessStartInfo StartInfo(string home, string[] arguments)
    {
        if (!File.Exists(AssemblyPath))
        {
            throw new FileNotFoundException("edgecluster.dll is not next to the test assembly; build the Client project.", AssemblyPath);
        }

        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = home,
        };
        foreach (var argument in (string[])["exec", AssemblyPath, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment[Fleet.EdgeClusterHome.Variable] = home;
        return start;
    }

    private static string DotnetHost()
    {
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
    }
}
