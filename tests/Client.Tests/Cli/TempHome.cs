using EdgeCluster.Client.Fleet;

namespace EdgeCluster.Client.Tests.Cli;

/// <summary>
/// A fresh EDGECLUSTER_HOME. Disposing it stops every silo a fleet recorded there (also the demo's,
/// which lives in "demo"), even when the test failed before its own <c>fleet down</c>, then deletes it.
/// </summary>
public sealed class TempHome : IAsyncDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("edgecluster-cli-tests-").FullName;

    public async ValueTask DisposeAsync()
    {
        foreach (var home in (string[])[Path, System.IO.Path.Combine(Path, "demo")])
        {
            if (FleetState.TryRead(home) is { } state)
            {
                await FleetLauncher.StopAsync(state);
            }
        }

        Directory.Delete(Path, recursive: true);
    }
}
