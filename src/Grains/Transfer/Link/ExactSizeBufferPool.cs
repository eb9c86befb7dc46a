using System.Collections.Concurrent;

namespace EdgeCluster.Grains.Transfer.Link;

/// <summary>
/// Arrays of exactly the requested length, kept for reuse. ArrayPool rounds up to powers of two, but a tensor's
/// array must be exactly its byte length; a deployment's activations come in a few fixed sizes, so exact sizes hit.
/// Reusing them spares the fresh pages (and page faults) a new megabyte array costs on every request.
/// </summary>
public sealed class ExactSizeBufferPool(int arraysPerSize = 8, long maxPooledBytes = 256L << 20)
{
    private readonly ConcurrentDictionary<int, ConcurrentBag<byte[]>> _free = new();
    private long _pooledBytes;
    private long _reused;

    /// <summary>Bytes held by the pool now.</summary>
    public long PooledBytes => Interlocked.Read(ref _pooledBytes);

    /// <summary>Rents served with an array given back earlier, since the pool was made.</summary>
    public long Reused => Interlocked.Read(ref _reused);

    /// <summary>An array of exactly <paramref name="length"/> bytes, with whatever content it had before.</summary>
    public byte[] Rent(int length)
    {
        if (_free.TryGetValue(length, out var bag) && bag.TryTake(out var array))
        {
            Interlocked.Add(ref _pooledBytes, -length);
            Interlocked.Increment(ref _reused);
            return array;
        }

        return GC.AllocateUninitializedArray<byte>(length);
    }

    /// <summary>Gives <paramref name="array"/> back; the caller must hold no other reference to it.</summary>
    public void Return(byte[] array)
    {
        ArgumentNullException.ThrowIfNull(array);
        var bag = _free.GetOrAdd(array.Length, _ => []);
        if (bag.Count >= arraysPerSize)
        {
            return;
        }

        if (Interlocked.Add(ref _pooledBytes, array.Length) > maxPooledBytes)
        {
            Interlocked.Add(ref _pooledBytes, -array.Length);
            return;
        }

        bag.Add(array);
    }
}
