namespace EdgeCluster.Grains.Transfer.Link;

/// <summary>The direct socket between devices that carries stage calls and large tensors beside Orleans (section <c>EdgeCluster:ActivationLink</c>).</summary>
public sealed class ActivationLinkOptions
{
    public const string Section = "EdgeCluster:ActivationLink";

    /// <summary>When false, the silo opens no link and every tensor travels inside Orleans messages.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>TCP port of this silo's link on its advertised address; 0 picks a free one (the registry tells senders which).</summary>
    public int Port { get; set; }

    /// <summary>
    /// When true (and the link is enabled), stage calls and their answers travel on the link too, one frame each way,
    /// instead of as Orleans messages; Orleans still carries them to a device without a reachable link.
    /// </summary>
    public bool Calls { get; set; } = true;

    /// <summary>How long a call sent on the link waits for its answer, as Orleans' response timeout does for its calls.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Tensors of at least this many bytes take the link; smaller ones ride inside the grain call, where they cost nothing extra.</summary>
    public int MinBytes { get; set; } = 64 * 1024;

    /// <summary>The largest tensor one frame may carry; a bigger frame closes the connection it came on.</summary>
    public long MaxFrameBytes { get; set; } = 1L << 30;

    /// <summary>How long a stage call waits for the tensors it names to arrive on the link.</summary>
    public TimeSpan ArrivalTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Tensors that arrived but were never claimed by a stage call are dropped after this long.</summary>
    public TimeSpan AbandonedAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a device whose link could not be reached is sent inline before its link is tried again.</summary>
    public TimeSpan RetryUnreachableAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long, in all, a connection's reader may poll for the rest of a frame it has begun to read instead of
    /// sleeping until it arrives; zero always sleeps. Never polls on a single core.
    /// </summary>
    public TimeSpan SpinWithinFrame { get; set; } = TimeSpan.FromMilliseconds(0.5);

    /// <summary>
    /// A stage call whose answers lately came within this long is polled for this long before its reader sleeps;
    /// zero never polls. Never polls on a single core.
    /// </summary>
    public TimeSpan SpinForAnswer { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>A copy with <see cref="CallTimeout"/> set, e.g. to a client's response timeout.</summary>
    public ActivationLinkOptions WithCallTimeout(TimeSpan timeout)
    {
        var copy = (ActivationLinkOptions)MemberwiseClone();
        copy.CallTimeout = timeout;
        return copy;
    }
}
