namespace EdgeCluster.Silo.Tests.Telemetry;

public sealed class TopCommandTests
{
    [Fact]
    public async Task ZeroIterationsIsRejectedWithAClearErrorBeforeConnecting()
    {
        var (exitCode, _, error) = await CliProcess.RunAsync("top", "--iterations", "0", "--gateway", "127.0.0.1:1", "--cluster-id", "none");

        Assert.Equal(2, exitCode);
        Assert.Equal("error: --iterations must be at least 1; 0 was given.", error.Trim());
    }
}
