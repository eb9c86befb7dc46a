using System.Globalization;
using EdgeCluster.Onnx.Compression;

namespace EdgeCluster.Onnx.Partitioning;

/// <summary>
/// What turns FLOPs and bytes into seconds for the objective planner: a stage on a device of relative speed r takes
/// FLOPs / (r * <paramref name="FlopsPerSecond"/>); link i (stage i to i+1) is <see cref="Links"/>[i], else
/// <paramref name="Link"/>.
/// </summary>
/// <param name="FlopsPerSecond">Effective FLOP/s of a device of relative speed 1 on this model (calibrate by timing it).</param>
public sealed record PlanCosts(double FlopsPerSecond, LinkProfile Link)
{
    /// <summary>
    /// Encode plus decode CPU time per float element: rough figures for one vectorised x86 core, to be replaced by the
    /// codec micro-benchmarks (benchmarks/EdgeCluster.Benchmarks) run on the devices themselves.
    /// </summary>
    public static IReadOnlyDictionary<ActivationCodec, double> DefaultCodecSecondsPerElement { get; } = new Dictionary<ActivationCodec, double>
    {
        [ActivationCodec.None] = 0,
        [ActivationCodec.Fp16] = 0.6e-9,
        [ActivationCodec.Int8] = 0.9e-9,
    };

    /// <summary>Per-link profiles overriding <see cref="Link"/>, by link index.</summary>
    public IReadOnlyList<LinkProfile>? Links { get; init; }

    /// <summary>The codecs a link may use; the planner picks the fastest per link (ties go to the less lossy one).</summary>
    public IReadOnlyList<ActivationCodec> Codecs { get; init; } = [ActivationCodec.None];

    /// <summary>The default <see cref="Tolerance"/>: probes of one device's speed, or of two alike, differ by about this much.</summary>
    public const double DefaultTolerance = 0.01;

    /// <summary>Relative difference in estimated time below which two plans count as equally fast.</summary>
    public double Tolerance { get; init; } = DefaultTolerance;

    /// <summary>CPU seconds per float element to encode and decode under each codec.</summary>
    public IReadOnlyDictionary<ActivationCodec, double> CodecSecondsPerElement { get; init; } = DefaultCodecSecondsPerElement;

    public LinkProfile LinkAt(int index) => Links is { } links && index < links.Count ? links[index] : Link;

    /// <summary>Throws <see cref="PartitionException"/> on a non-positive speed, a tolerance outside [0, 1), a bad link or an empty codec list.</summary>
    public void Validate()
    {
        if (!(FlopsPerSecond > 0) || double.IsInfinity(FlopsPerSecond))
        {
            throw new PartitionException(string.Create(CultureInfo.InvariantCulture, $"Device speed must be positive and finite; got {FlopsPerSecond} FLOP/s."));
        }

        if (!(Tolerance >= 0 && Tolerance < 1))
        {
            throw new PartitionException(string.Create(CultureInfo.InvariantCulture, $"The planner's tolerance must be at least 0 and below 1; got {Tolerance}."));
        }

        ArgumentNullException.ThrowIfNull(Link);
        Link.Validate();
        foreach (var link in Links ?? [])
        {
            link.Validate();
        }

        if (Codecs is null || Codecs.Count == 0)
        {
            throw new PartitionException("At least one codec must be allowed on the links; use none for lossless transfers.");
        }

        foreach (var codec in Codecs)
        {
            _ = ActivationCodecs.Name(codec);
        }
    }
}
