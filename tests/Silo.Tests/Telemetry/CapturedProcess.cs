using System.Diagnostics;

namespace EdgeCluster.Silo.Tests.Telemetry;

/// <summary>Runs a process to completion with stdout and stderr captured, killing it when it overstays.</summary>
public static class CapturedProcess
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(ProcessStartInfo start, string description)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{description} did not finish within {Timeout.TotalMinutes:F0} minutes.");
        }

        return (process.ExitCode, await output, await error);
    }
}
