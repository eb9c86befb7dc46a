namespace EdgeCluster.Client.Protocol;

/// <summary>Where a silo's Open Inference Protocol gRPC endpoint is and how calls to it behave.</summary>
public sealed record OpenInferenceClientOptions(Uri Endpoint)
{
    /// <summary>Deadline of one call, retries included.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Repeats of a call that failed with Unavailable (a device or the silo could not be reached).</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>Wait before the first repeat; it doubles with each further one.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Send inputs as raw little-endian bytes (true) or as typed contents (false, not possible for FP16/BF16).</summary>
    public bool RawContents { get; init; } = true;

    /// <summary>Largest response accepted; the gRPC default of 4 MB is smaller than many models' outputs.</summary>
    public int MaxReceiveMessageBytes { get; init; } = 256 * 1024 * 1024;

    /// <summary>Parses "http://HOST:PORT", "https://HOST:PORT" or a bare "HOST:PORT" (cleartext HTTP/2, as <c>fleet up</c> lists it).</summary>
    public static Uri ParseEndpoint(string value)
    {
        var text = value.Contains("://", StringComparison.Ordinal) ? value : "http://" + value;
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && uri.Port > 0
            ? uri
            : throw new EdgeClusterCliException($"'{value}' is not a gRPC endpoint; give http://HOST:PORT.");
    }
}
