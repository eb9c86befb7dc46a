using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using EdgeCluster.Client.Fleet;
using EdgeCluster.Onnx.Runtime;

namespace EdgeCluster.Client.Bench;

/// <summary>
/// Runs <see cref="BaselineWorker"/> in a child process held to the given cores by <c>taskset</c>, with
/// <c>EDGECLUSTER_ORT_THREADS</c> set: ONNX Runtime's thread pool is sized once per process, so a baseline with
/// another core count needs a process of its own.
/// </summary>
public static class BaselineProcess
{
    public const string Verb = "baseline";

    public static async Task<BaselineThroughput> RunAsync(
        string cores, int ortThreads, int concurrency, TimeSpan warmup, TimeSpan window, CancellationToken cancellationToken)
    {
        var (fileName, siloArguments) = SiloProcessCommand.Resolve();
        var start = new ProcessStartInfo("taskset") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };

        // The silo command line ends in its verb; the same program runs the hidden bench baseline instead.
        string[] arguments =
        [
            "-c", cores, fileName, .. siloArguments[..^1], "bench", Verb,
            "--concurrency", concurrency.ToString(CultureInfo.InvariantCulture),
            "--warmup-seconds", warmup.TotalSeconds.ToString(CultureInfo.InvariantCulture),
            "--seconds", window.TotalSeconds.ToString(CultureInfo.InvariantCulture),
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment[OnnxRuntimeEnvironment.ThreadsVariable] = ortThreads.ToString(CultureInfo.InvariantCulture);
        using var process = Process.Start(start) ?? throw new EdgeClusterCliException("Could not start the baseline process.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(warmup + window + TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var lines = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (process.ExitCode != 0 || lines.Length == 0)
        {
            throw new EdgeClusterCliException($"The baseline process on cores {cores} failed ({process.ExitCode}): {(await error).Trim()}");
        }

        return JsonSerializer.Deserialize<BaselineThroughput>(lines[^1])
            ?? throw new EdgeClusterCliException($"The baseline process on cores {cores} printed no result.");
    }
}
