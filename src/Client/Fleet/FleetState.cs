using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeCluster.Client.Connection;

namespace EdgeCluster.Client.Fleet;

/// <summary>One silo process that <c>fleet up</c> started.</summary>
public sealed record FleetSilo(
    [property: JsonPropertyName("device")] string Device,
    [property: JsonPropertyName("pid")] int Pid,
    [property: JsonPropertyName("gateway")] string Gateway,
    [property: JsonPropertyName("http")] string Http,
    [property: JsonPropertyName("silo_port")] int SiloPort,
    [property: JsonPropertyName("log")] string Log,
    [property: JsonPropertyName("grpc")] string Grpc)
{
    /// <summary>The device's network namespace when the fleet runs on a rig.</summary>
    [JsonPropertyName("namespace")]
    public string? Namespace { get; init; }

    /// <summary>True when <see cref="Pid"/> is a supervisor that restarts the silo process whenever it exits.</summary>
    [JsonPropertyName("supervised")]
    public bool Supervised { get; init; }

    /// <summary>The advertised address of the device (127.0.0.1 on loopback fleets).</summary>
    [JsonPropertyName("address")]
    public string? Address { get; init; }
}

/// <summary>The local fleet as recorded on disk, so later commands find it and <c>fleet down</c> stops exactly these processes.</summary>
public sealed record FleetState(
    [property: JsonPropertyName("fleet_id")] string FleetId,
    [property: JsonPropertyName("cluster_id")] string ClusterId,
    [property: JsonPropertyName("service_id")] string ServiceId,
    [property: JsonPropertyName("silos")] IReadOnlyList<FleetSilo> Silos)
{
    public const string FileName = "fleet.json";

    /// <summary>The PostgreSQL connection string of an ADO.NET-clustered fleet; null for development clustering.</summary>
    [JsonPropertyName("database")]
    public string? Database { get; init; }

    /// <summary>The folder of the fleet's certificates when it runs over TLS (<see cref="FleetTlsFolder"/>); null when it does not.</summary>
    [JsonPropertyName("tls")]
    public string? TlsFolder { get; init; }

    /// <summary>How a client reaches this fleet through the gateways of <paramref name="through"/> (with the fleet's client certificate when it runs over TLS).</summary>
    public EdgeClusterClientOptions ClientOptions(IEnumerable<FleetSilo> through) =>
        new(through.Select(s => EdgeClusterClientOptions.ParseEndpoint(s.Gateway)).ToArray(), ClusterId, ServiceId)
        {
            Tls = TlsFolder is null ? null : new FleetTlsFolder(TlsFolder).ClientCredentials(),
        };

    public static string PathIn(string home) => System.IO.Path.Combine(home, FileName);

    public static FleetState? TryRead(string home)
    {
        var path = PathIn(home);
        return File.Exists(path) ? JsonSerializer.Deserialize<FleetState>(File.ReadAllText(path)) : null;
    }

    public void Write(string home)
    {
        Directory.CreateDirectory(home);
        File.WriteAllText(PathIn(home), JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true }));
    }

    public static void Delete(string home) => File.Delete(PathIn(home));

    public FleetSilo Silo(string device) =>
        Silos.FirstOrDefault(s => s.Device == device)
        ?? throw new EdgeClusterCliException($"Device '{device}' is not part of the local fleet (devices: {string.Join(", ", Silos.Select(s => s.Device))}).");
}
