using System.Collections.Concurrent;
using System.Diagnostics;
using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Grains.Interfaces.Models;

namespace EdgeCluster.Silo.Protocol;

/// <summary>A deployed model as the endpoints see it: its deployment and the registered model it runs.</summary>
public sealed record ModelEntry(string Name, DeploymentStatus Deployment, ModelInfo? Model);

/// <summary>
/// Looks model names up in the deployment catalogue, the deployment and the model registry. Each
/// answer is reused for a second: those are single activations every request of the fleet would
/// otherwise call, and only catalogued names are kept, so request-chosen names cannot grow the cache.
/// </summary>
public sealed class ModelDirectory(IGrainFactory grains)
{
    private static readonly TimeSpan Freshness = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, Timed<ModelEntry>> _entries = new(StringComparer.Ordinal);
    private Timed<HashSet<string>>? _catalog;

    /// <summary>The model deployed as <paramref name="name"/>, or null when the catalogue has no such deployment.</summary>
    public async Task<ModelEntry?> FindAsync(string name)
    {
        if (!(await CatalogAsync()).Contains(name))
        {
            return null;
        }

        if (!_entries.TryGetValue(name, out var entry) || entry.IsStale)
        {
            entry = new Timed<ModelEntry>(ReadAsync(name));
            _entries[name] = entry;
        }

        return await entry.Value;
    }

    private Task<HashSet<string>> CatalogAsync()
    {
        var catalog = _catalog;
        if (catalog is null || catalog.IsStale)
        {
            catalog = new Timed<HashSet<string>>(ReadCatalogAsync());
            _catalog = catalog;
        }

        return catalog.Value;
    }

    private async Task<HashSet<string>> ReadCatalogAsync() =>
        new(await grains.GetGrain<IDeploymentCatalogGrain>(IDeploymentCatalogGrain.Key).ListAsync(), StringComparer.Ordinal);

    private async Task<ModelEntry> ReadAsync(string name)
    {
        var status = await grains.GetGrain<IDeploymentGrain>(name).GetStatusAsync();
        var model = await grains.GetGrain<IModelRegistryGrain>(IModelRegistryGrain.Key).GetAsync(status.Route?.Model ?? name);
        return new ModelEntry(name, status, model);
    }

    private sealed class Timed<T>(Task<T> value)
    {
        private readonly long _readAt = Stopwatch.GetTimestamp();

        public Task<T> Value { get; } = value;

        public bool IsStale => Value.IsFaulted || Value.IsCanceled || Stopwatch.GetElapsedTime(_readAt) > Freshness;
    }
}
