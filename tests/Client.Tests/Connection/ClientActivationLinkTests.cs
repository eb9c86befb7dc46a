using System.Globalization;
using System.Text.RegularExpressions;
using EdgeCluster.Client.Bench;
using EdgeCluster.Client.Connection;
using EdgeCluster.Client.Fleet;
using EdgeCluster.Client.Tests.Cli;
using EdgeCluster.Grains.Inference;
using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Grains.Transfer.Link;
using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Client.Tests.Connection;

/// <summary>A client calls its origin device on its activation link, large inputs included, and through the gateway when told not to.</summary>
public sealed partial class ClientActivationLinkTests
{
    private const long InputBytes = HopModel.Elements * sizeof(float);

    [Fact]
    public async Task A_call_with_a_large_input_reaches_the_origin_on_its_link_and_the_result_is_the_same_without_it()
    {
        await using var home = new TempHome();
        var fleet = await new FleetLauncher(home.Path).UpAsync(1);
        var silo = fleet.Silos[0];
        var gateway = new EdgeClusterClientOptions([EdgeClusterClientOptions.ParseEndpoint(silo.Gateway)], fleet.ClusterId, fleet.ServiceId);
        var values = Enumerable.Range(0, (int)HopModel.Elements).Select(i => (i % 5) * 0.5f).ToArray();
        var input = NamedTensor.FromFloats(HopModel.InputName, [1, HopModel.Elements], values);
        using var http = new HttpClient { BaseAddress = new Uri(silo.Http) };

        await using (var client = await EdgeClusterClient.ConnectAsync(gateway))
        {
            await client.RegisterModelAsync("hop", HopModel.Build());
            Assert.Equal(DeploymentState.Ready, (await client.DeployAsync("hop", new DeploymentSpec("hop", 1, [silo.Device]))).State);

            var viaLink = await client.InferAsync("hop", silo.Device, [input]);

            Assert.Equal(values.Sum(), Assert.Single(viaLink.Outputs).ToNamedTensor().AsFloats()[0]);
            Assert.Equal(InputBytes, viaLink.Hops[0].BytesIn);
            Assert.Equal(InputBytes, await LinkReceivedBytesAsync(http, silo.Device));
            Assert.Equal(1, await LinkCallsAsync(http, silo.Device));
        }

        await using (var client = await EdgeClusterClient.ConnectAsync(gateway with { ActivationLink = new ActivationLinkOptions { Calls = false } }))
        {
            var tensorOnly = await client.InferAsync("hop", silo.Device, [input]);

            Assert.Equal(values.Sum(), Assert.Single(tensorOnly.Outputs).ToNamedTensor().AsFloats()[0]);
            Assert.Equal(2 * InputBytes, await ScrapeUntilAsync(http, ReceivedSeries(), silo.Device, 2 * InputBytes));
            Assert.Equal(1, await LinkCallsAsync(http, silo.Device));
        }

        await using (var client = await EdgeClusterClient.ConnectAsync(gateway with { ActivationLink = new ActivationLinkOptions { Enabled = false } }))
        {
            var viaGateway = await client.InferAsync("hop", silo.Device, [input]);

            Assert.Equal(values.Sum(), Assert.Single(viaGateway.Outputs).ToNamedTensor().AsFloats()[0]);
            Assert.Equal(2 * InputBytes, await LinkReceivedBytesAsync(http, silo.Device));
            Assert.Equal(1, await LinkCallsAsync(http, silo.Device));
        }
    }

    private static Task<long> LinkReceivedBytesAsync(HttpClient http, string device) => ScrapeAsync(http, ReceivedSeries(), device);

    private static Task<long> LinkCallsAsync(HttpClient http, string device) => ScrapeAsync(http, InferCallsSeries(), device);

    /// <summary>The exporter answers from a cache for a moment after each scrape, so a changed value may need another look.</summary>
    private static async Task<long> ScrapeUntilAsync(HttpClient http, Regex series, string device, long expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        var value = await ScrapeAsync(http, series, device);
        while (value != expected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
            value = await ScrapeAsync(http, series, device);
        }

        return value;
    }

    private static async Task<long> ScrapeAsync(HttpClient http, Regex series, string device)
    {
        var scrape = await http.GetStringAsync("/metrics");
        var match = series.Matches(scrape).SingleOrDefault(m => m.Groups["device"].Value == device);
        return match is null ? 0 : (long)double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex("""^edgecluster_activation_link_received_bytes_total\{[^}]*device="(?<device>[^"]+)"[^}]*\} (?<value>\S+)""", RegexOptions.Multiline)]
    private static partial Regex ReceivedSeries();

    [GeneratedRegex("""^edgecluster_activation_link_calls_total\{(?=[^}]*method="Infer")[^}]*device="(?<device>[^"]+)"[^}]*\} (?<value>\S+)""", RegexOptions.Multiline)]
    private static partial Regex InferCallsSeries();
}
