using System.Diagnostics;
using System.Text.Json;
using EdgeCluster.Client.Tests.Cli;

namespace EdgeCluster.Client.Tests.Failover;

/// <summary>
/// A development fleet (no database) keeps its fleet-wide state (models, deployments) in files on the machine its
/// silos share, so losing silos loses none of it. In memory, the state would die with whichever silos held it.
/// </summary>
public sealed class DevelopmentFleetStateTests
{
    [Fact]
    public async Task Killing_two_of_three_silos_keeps_the_model_registry_and_the_deployment()
    {
        await using var home = new TempHome();
        var up = (await EdgeClusterCli.RunAsync(home.Path, "fleet", "up", "--silos", "3", "--json")).AssertSucceeded().Json();
        var pids = up.GetProperty("silos").EnumerateArray().ToDictionary(s => s.GetProperty("device").GetString()!, s => s.GetProperty("pid").GetInt32());
        (await EdgeClusterCli.RunAsync(home.Path, "deploy", "resnet18", "--stages", "1", "--devices", "device-1", "--json")).AssertSucceeded();
        var stateFiles = Directory.GetFiles(Path.Combine(home.Path, "state"), "*.bin", SearchOption.AllDirectories);
        Assert.NotEmpty(stateFiles);

        foreach (var device in (string[])["device-2", "device-3"])
        {
            Process.GetProcessById(pids[device]).Kill();
        }

        // Calls may fail while membership still counts the dead silos; the state must be back once it has declared them dead.
        var models = await EventuallyAsync(async () =>
        {
            var run = await EdgeClusterCli.RunAsync(home.Path, "models", "--json");
            return run.ExitCode == 0 && run.Json().GetProperty("deployments").GetArrayLength() == 1 ? run.Json() : (JsonElement?)null;
        });
        Assert.Equal(["resnet18"], models.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("name").GetString()));
        var deployment = Assert.Single(models.GetProperty("deployments").EnumerateArray());
        Assert.Equal("resnet18", deployment.GetProperty("name").GetString());
        Assert.Equal("Ready", deployment.GetProperty("state").GetString());
        Assert.Equal(["device-1"], deployment.GetProperty("devices").EnumerateArray().Select(d => d.GetString()));

        (await EdgeClusterCli.RunAsync(home.Path, "fleet", "down")).AssertSucceeded();
        Assert.Empty(Directory.GetFiles(Path.Combine(home.Path, "state"), "*.bin", SearchOption.AllDirectories));
    }

    private static async Task<JsonElement> EventuallyAsync(Func<Task<JsonElement?>> attempt)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (await attempt() is { } value)
            {
                return value;
            }

            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(90), "The fleet did not answer with its deployment within 90 s of losing two silos.");
            await Task.Delay(1000);
        }
    }
}
