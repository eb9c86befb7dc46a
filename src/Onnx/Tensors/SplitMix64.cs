using System.Text;

namespace EdgeCluster.Onnx.Tensors;

/// <summary>SplitMix64: a tiny, fast PRNG whose sequence is fixed by its seed in every process and platform.</summary>
internal struct SplitMix64(ulong state)
{
    private ulong state = state;

    /// <summary>A generator seeded from an integer seed and a name (hashed with FNV-1a, never string.GetHashCode).</summary>
    public static SplitMix64 ForName(int seed, string name) => new(unchecked((ulong)(uint)seed ^ Fnv1a(name)));

    public ulong Next()
    {
        unchecked
        {
            var z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>A double uniform in [-1, 1).</summary>
    public double NextSigned() => ((Next() >> 11) * (1.0 / (1UL << 53)) * 2.0) - 1.0;

    private static ulong Fnv1a(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = unchecked((hash ^ b) * 1099511628211UL);
        }

        return hash;
    }
}
