using System.Diagnostics;
using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Grains.Interfaces.Devices;
using EdgeCluster.Silo.Telemetry;

namespace EdgeCluster.Client.Telemetry;

/// <summary>
/// Samples the fleet the way an operator's Prometheus would: devices and deployments from the cluster's
/// registries, numbers from each device's own <c>/metrics</c> endpoint at the HTTP address it advertised.
/// </summary>
public sealed class FleetSampler(IGrainFactory grains, HttpClient http)
{
    public async Task<FleetSample> SampleAsync(CancellationToken cancellationToken)
    {
        var devices = await grains.GetGrain<IDeviceRegistryGrain>(IDeviceRegistryGrain.Key).ListAsync();
        var names = await grains.GetGrain<IDeploymentCatalogGrain>(IDeploymentCatalogGrain.Key).ListAsync();
        var deployments = await Task.WhenAll(names.Select(name => grains.GetGrain<IDeploymentGrain>(name).GetStatusAsync()));
        var scrapes = await Task.WhenAll(devices.Select(device => ScrapeAsync(device, cancellationToken)));
        return new FleetSample(Stopwatch.GetTimestamp(), DateTimeOffset.Now, scrapes, deployments);
    }

    private async Task<DeviceScrape> ScrapeAsync(DeviceInfo device, CancellationToken cancellationToken)
    {
        if (device.Http is not { Length: > 0 } endpoint || !Uri.TryCreate(endpoint, UriKind.Absolute, out var baseUri))
        {
            return new DeviceScrape(device, [], "advertises no HTTP endpoint");
        }

        try
        {
            var text = await http.GetStringAsync(new Uri(baseUri, TelemetryExtensions.MetricsPath), cancellationToken);
            return new DeviceScrape(device, PrometheusText.Parse(text), null);
        }
        catch (HttpRequestException exception)
        {
            return new DeviceScrape(device, [], exception.Message);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new DeviceScrape(device, [], $"no answer within {http.Timeout.TotalSeconds:F0} s");
        }
        catch (FormatException exception)
        {
            return new DeviceScrape(device, [], exception.Message);
        }
    }
}
