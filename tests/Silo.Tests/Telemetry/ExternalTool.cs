using System.Diagnostics;

namespace EdgeCluster.Silo.Tests.Telemetry;

/// <summary>A program from the machine (installed by tests/setup/observability.sh), run to completion with its output captured.</summary>
public static class ExternalTool
{
    public const string SetupScript = "tests/setup/observability.sh";

    public static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);

    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string name, params string[] arguments)
    {
        var start = new ProcessStartInfo(Find(name) ?? throw new FileNotFoundException($"{name} is not installed; run {SetupScript}."))
        {
            WorkingDirectory = RepositoryPaths.Root,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return await CapturedProcess.RunAsync(start, $"{name} {string.Join(' ', arguments)}");
    }
}
