using EdgeCluster.Grains.Diagnostics;
using EdgeCluster.Grains.Hosting;
using EdgeCluster.Grains.Interfaces.Models;
using Microsoft.Extensions.Options;

namespace EdgeCluster.Grains.Storage;

/// <summary>This device's folder of model files named by their SHA-256, written atomically.</summary>
public sealed class LocalModelStore : IDisposable
{
    private readonly IDisposable _bytesGauge;

    public LocalModelStore(IOptions<ModelStoreOptions> options, ILocalSiloDetails silo)
    {
        Root = options.Value.Path is { Length: > 0 } path
            ? path
            : System.IO.Path.Combine(System.IO.Path.GetTempPath(), "edgecluster", "models", silo.Name);
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(IncomingFolder);
        _bytesGauge = ModelStoreMetrics.Track(silo.Name, () => TotalBytes);
    }

    public string Root { get; }

    private string IncomingFolder => System.IO.Path.Combine(Root, "incoming");

    public string PathFor(string sha256) => System.IO.Path.Combine(Root, sha256 + ".onnx");

    public string IncomingPathFor(string sha256) => System.IO.Path.Combine(IncomingFolder, sha256 + ".part");

    public bool Contains(string sha256) => File.Exists(PathFor(sha256));

    public long TotalBytes => Directory.EnumerateFiles(Root, "*.onnx").Sum(f => new FileInfo(f).Length);

    /// <summary>Reads a stored file and checks it still hashes to its name; null when absent or damaged.</summary>
    public async Task<byte[]?> TryReadAsync(string sha256, CancellationToken cancellationToken = default)
    {
        if (!Contains(sha256))
        {
            return null;
        }

        var content = await File.ReadAllBytesAsync(PathFor(sha256), cancellationToken);
        return ModelBlobTransfer.Sha256Hex(content) == sha256 ? content : null;
    }

    public async Task WriteAsync(string sha256, byte[] content, CancellationToken cancellationToken = default)
    {
        var incoming = IncomingPathFor(sha256) + "." + Guid.NewGuid().ToString("N");
        await File.WriteAllBytesAsync(incoming, content, cancellationToken);
        File.Move(incoming, PathFor(sha256), overwrite: true);
    }

    /// <summary>Moves a completed upload into place.</summary>
    public void Promote(string incomingPath, string sha256) => File.Move(incomingPath, PathFor(sha256), overwrite: true);

    public void Dispose() => _bytesGauge.Dispose();
}
