using System.Globalization;

namespace EdgeCluster.Client.Fleet;

/// <summary>One device of the rig: its network namespace, the host end of its link, and its address.</summary>
public sealed record RigDevice(string DeviceId, string Namespace, string HostLink, string Address);

/// <summary>
/// A private test network on this machine: one network namespace per device, each joined by a veth pair to a
/// bridge that carries 10.231.N.0/24 (N picked free per rig), with the bridge's .1 address in the host namespace
/// for the CLI and PostgreSQL. Devices have no default route, so traffic never leaves these namespaces.
/// Links may be shaped with <c>tc tbf</c> and taken down to partition a device. Needs root.
/// </summary>
public sealed class NetworkNamespaceRig : IAsyncDisposable
{
    private const string Prefix = "ec";
    private readonly List<RigDevice> _devices = [];
    private readonly double? _rateMbit;

    private NetworkNamespaceRig(int subnet, double? rateMbit)
    {
        Subnet = subnet;
        _rateMbit = rateMbit;
    }

    /// <summary>The third octet of this rig's 10.231.N.0/24.</summary>
    public int Subnet { get; }

    public string Bridge => $"{Prefix}br{Subnet}";

    public string BridgeAddress => $"10.231.{Subnet}.1";

    public IReadOnlyList<RigDevice> Devices => _devices;

    public RigDevice Device(string deviceId) =>
        _devices.FirstOrDefault(d => d.DeviceId == deviceId) ?? throw new EdgeClusterCliException($"Device '{deviceId}' is not part of the rig.");

    /// <summary>Creates the bridge and <paramref name="devices"/> device namespaces; <paramref name="rateMbit"/> shapes every link in both directions.</summary>
    public static async Task<NetworkNamespaceRig> CreateAsync(int devices, double? rateMbit = null, CancellationToken cancellationToken = default)
    {
        if (Environment.UserName != "root")
        {
            throw new EdgeClusterCliException("A namespaced fleet needs root: it creates network namespaces, veth links and a bridge.");
        }

        var rig = await ClaimSubnetAsync(rateMbit, cancellationToken);
        try
        {
            for (var i = 0; i < devices; i++)
            {
                await rig.AddDeviceAsync(cancellationToken);
            }

            return rig;
        }
        catch
        {
            await rig.DisposeAsync();
            throw;
        }
    }

    /// <summary>Adds the namespace of one more device (device-N), e.g. for a device that joins later.</summary>
    public async Task<RigDevice> AddDeviceAsync(CancellationToken cancellationToken = default)
    {
        var index = _devices.Count + 1;
        var device = new RigDevice(
            $"device-{index}", $"{Prefix}{Subnet}d{index}", $"{Prefix}{Subnet}h{index}", $"10.231.{Subnet}.{10 + index}");
        _devices.Add(device);
        await Ip(cancellationToken, "netns", "add", device.Namespace);
        await Ip(cancellationToken, "link", "add", device.HostLink, "type", "veth", "peer", "name", "eth0", "netns", device.Namespace);
        await Ip(cancellationToken, "link", "set", device.HostLink, "master", Bridge);
        await Ip(cancellationToken, "link", "set", device.HostLink, "up");
        await Ip(cancellationToken, "-n", device.Namespace, "addr", "add", device.Address + "/24", "dev", "eth0");
        await Ip(cancellationToken, "-n", device.Namespace, "link", "set", "eth0", "up");
        await Ip(cancellationToken, "-n", device.Namespace, "link", "set", "lo", "up");
        if (_rateMbit is { } rate)
        {
            await ShapeAsync(device, rate, cancellationToken);
        }

        return device;
    }

    /// <summary>Takes a device's link down (a network partition) or brings it back.</summary>
    public Task SetLinkAsync(string deviceId, bool up, CancellationToken cancellationToken = default) =>
        Ip(cancellationToken, "link", "set", Device(deviceId).HostLink, up ? "up" : "down");

    /// <summary>Wraps <paramref name="command"/> so it runs inside the device's namespace.</summary>
    public IReadOnlyList<string> InNamespace(string deviceId, IReadOnlyList<string> command) =>
        ["ip", "netns", "exec", Device(deviceId).Namespace, .. command];

    public async ValueTask DisposeAsync()
    {
        foreach (var device in _devices)
        {
            await TryIp("link", "del", device.HostLink);
            await TryIp("netns", "del", device.Namespace);
        }

        await TryIp("link", "del", Bridge);
    }

    private static async Task<NetworkNamespaceRig> ClaimSubnetAsync(double? rateMbit, CancellationToken cancellationToken)
    {
        // Creating the bridge is the claim: a name another rig holds fails, and the next subnet is tried.
        for (var subnet = 0; subnet < 256; subnet++)
        {
            var rig = new NetworkNamespaceRig(subnet, rateMbit);
            try
            {
                await Ip(cancellationToken, "link", "add", rig.Bridge, "type", "bridge");
            }
            catch (EdgeClusterCliException exception) when (exception.Message.Contains("exists", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            try
            {
                await Ip(cancellationToken, "addr", "add", rig.BridgeAddress + "/24", "dev", rig.Bridge);
                await Ip(cancellationToken, "link", "set", rig.Bridge, "up");
                return rig;
            }
            catch
            {
                await rig.DisposeAsync();
                throw;
            }
        }

        throw new EdgeClusterCliException("No free rig subnet: 256 edgecluster bridges exist; remove stale ones with tests/rig/netns-fleet.sh down.");
    }

    private static async Task ShapeAsync(RigDevice device, double rateMbit, CancellationToken cancellationToken)
    {
        // tbf: a token bucket per direction; netem is not available on every kernel.
        string[] tbf = ["root", "tbf", "rate", rateMbit.ToString("0.###", CultureInfo.InvariantCulture) + "mbit", "burst", "64kb", "latency", "100ms"];
        await ExternalCommand.RunAsync("tc", ["qdisc", "add", "dev", device.HostLink, .. tbf], cancellationToken);
        await ExternalCommand.RunAsync("ip", ["netns", "exec", device.Namespace, "tc", "qdisc", "add", "dev", "eth0", .. tbf], cancellationToken);
    }

    private static Task<string> Ip(CancellationToken cancellationToken, params string[] arguments) => ExternalCommand.RunAsync("ip", arguments, cancellationToken);

    private static async Task TryIp(params string[] arguments)
    {
        try
        {
            await ExternalCommand.RunAsync("ip", arguments);
        }
        catch (EdgeClusterCliException)
        {
            // Already gone.
        }
    }
}
