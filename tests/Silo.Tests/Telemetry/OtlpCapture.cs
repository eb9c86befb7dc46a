using System.Collections.Concurrent;
using System.Net;
using EdgeCluster.Client.Fleet;

namespace EdgeCluster.Silo.Tests.Telemetry;

/// <summary>
/// An OTLP/HTTP receiver reduced to what a test needs: it accepts every export on loopback, answers 200 and keeps
/// the request bodies (protobuf, in which span names, attribute strings and raw trace ids appear as bytes).
/// </summary>
public sealed class OtlpCapture : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<(string Path, byte[] Body)> _exports = new();
    private readonly Task _serving;

    public OtlpCapture()
    {
        Endpoint = new Uri($"http://127.0.0.1:{FreePorts.Take(1)[0]}/");
        _listener.Prefixes.Add(Endpoint.ToString());
        _listener.Start();
        _serving = ServeAsync();
    }

    public Uri Endpoint { get; }

    public IReadOnlyList<(string Path, byte[] Body)> Exports => [.. _exports];

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            _serving.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The accept loop ends by throwing once the listener is closed.
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            _exports.Enqueue((context.Request.Url!.AbsolutePath, body.ToArray()));
            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }
}
