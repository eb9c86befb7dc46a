using System.Text.RegularExpressions;
using EdgeCluster.Grains.Interfaces.Errors;

namespace EdgeCluster.Grains.Models;

/// <summary>Model and deployment names become parts of grain keys, so they keep to a safe alphabet.</summary>
public static partial class ModelNames
{
    public static void Validate(string name, string what)
    {
        if (!SafeName().IsMatch(name))
        {
            throw EdgeClusterException.InvalidArgument(
                $"{what} name '{name}' is not valid: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex SafeName();
}
