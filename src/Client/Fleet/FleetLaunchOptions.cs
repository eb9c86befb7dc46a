namespace EdgeCluster.Client.Fleet;

/// <summary>How a local fleet is laid out: which clustering, which network, and whether silos are supervised.</summary>
public sealed record FleetLaunchOptions
{
    /// <summary>Localhost development clustering on loopback, unsupervised: what <c>fleet up</c> starts.</summary>
    public static readonly FleetLaunchOptions Development = new();

    /// <summary>PostgreSQL connection string for ADO.NET clustering and fleet storage (as the silos reach it); null: development clustering.</summary>
    public string? Database { get; init; }

    /// <summary>One network namespace per device; null: every silo on 127.0.0.1 with its own ports.</summary>
    public NetworkNamespaceRig? Rig { get; init; }

    /// <summary>
    /// Restart a silo whenever it exits, as a device's service manager would: a silo that was declared dead (for
    /// example while partitioned) stops itself when it hears so, and comes back as a new incarnation that rejoins.
    /// </summary>
    public bool RestartSilos { get; init; }

    /// <summary>
    /// Words put before each silo's command, by device id, e.g. <c>taskset -c 0</c> to hold a device to one core or
    /// <c>env EDGECLUSTER_ORT_THREADS=1</c>; null or empty: none.
    /// </summary>
    public Func<string, IReadOnlyList<string>>? SiloCommandPrefix { get; init; }

    /// <summary>
    /// Run every connection over TLS: the fleet gets its own authority and each device and the CLI's clients a
    /// certificate it signed (in the fleet's home, folder <c>tls</c>).
    /// </summary>
    public bool Tls { get; init; }
}
