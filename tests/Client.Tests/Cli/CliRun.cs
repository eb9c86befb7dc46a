using System.Text.Json;

namespace EdgeCluster.Client.Tests.Cli;

/// <summary>What one <c>edgecluster</c> process printed and how it exited.</summary>
public sealed record CliRun(string[] Arguments, int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>The <c>--json</c> summary: the last non-empty line of standard output.</summary>
    public JsonElement Json()
    {
        var last = StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault()
            ?? throw new InvalidOperationException($"'{string.Join(' ', Arguments)}' printed nothing.{Environment.NewLine}{this}");
        using var document = JsonDocument.Parse(last);
        return document.RootElement.Clone();
    }

    /// <summary>Fails with everything the process printed unless it exited with 0.</summary>
    public CliRun AssertSucceeded()
    {
        Assert.True(ExitCode == 0, $"'{string.Join(' ', Arguments)}' exited with {ExitCode}.{Environment.NewLine}{this}");
        return this;
    }

    public override string ToString() =>
        $"stdout:{Environment.NewLine}{StandardOutput}{Environment.NewLine}stderr:{Environment.NewLine}{StandardError}";
}
