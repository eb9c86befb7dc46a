using EdgeCluster.Client.Telemetry;

namespace EdgeCluster.Silo.Tests.Telemetry;

public sealed class PrometheusTextTests
{
    [Fact]
    public void ReadsSamplesWithLabelsEscapesAndSpecialValuesAndSkipsComments()
    {
        var samples = PrometheusText.Parse("""
            # HELP edgecluster_link_bytes_total Tensor bytes
            # TYPE edgecluster_link_bytes_total counter
            edgecluster_link_bytes_total{otel_scope_name="EdgeCluster",source="device-1",target="device-2"} 8192
            edgecluster_request_duration_milliseconds_bucket{model="a \"quoted\" \\ name",le="+Inf"} 3 1700000000000

            dotnet_timer_count 18
            odd_value{le="1e+03"} NaN
            """);

        Assert.Equal(4, samples.Count);
        Assert.Equal("edgecluster_link_bytes_total", samples[0].Name);
        Assert.Equal("device-2", samples[0].Label("target"));
        Assert.Equal(8192, samples[0].Value);
        Assert.Equal("a \"quoted\" \\ name", samples[1].Label("model"));
        Assert.Equal("+Inf", samples[1].Label("le"));
        Assert.Equal(3, samples[1].Value);
        Assert.Empty(samples[2].Labels);
        Assert.Equal(18, samples[2].Value);
        Assert.True(double.IsNaN(samples[3].Value));
    }

    [Fact]
    public void AMalformedLineIsAnErrorNamingItsLine()
    {
        var error = Assert.Throws<FormatException>(() => PrometheusText.Parse("ok 1\nbroken{device=\"x} 2\n"));

        Assert.Contains("Line 2", error.Message);
    }
}
