using System.CommandLine;
using System.Globalization;

namespace EdgeCluster.Client.Commands;

/// <summary><c>--dim NAME=SIZE</c>, repeatable: sizes for symbolic input dimensions (default 1).</summary>
public static class DimOptions
{
    public static Option<string[]> Create() => new("--dim")
    {
        Description = "Size of a symbolic input dimension, NAME=SIZE (repeatable; default 1)",
    };

    public static IReadOnlyDictionary<string, long> Parse(IEnumerable<string>? values)
    {
        var dims = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var value in values ?? [])
        {
            var parts = value.Split('=', 2);
            if (parts.Length != 2 || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size < 1)
            {
                throw new EdgeClusterCliException($"--dim '{value}' is not NAME=SIZE with a positive SIZE.");
            }

            dims[parts[0]] = size;
        }

        return dims;
    }
}
