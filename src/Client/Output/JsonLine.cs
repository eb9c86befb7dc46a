using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeCluster.Client.Output;

/// <summary>The machine-readable summary a command prints as its very last line under <c>--json</c>.</summary>
public static class JsonLine
{
    private static readonly JsonSerializerOptions Options = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string Serialize(object value) => JsonSerializer.Serialize(value, Options);

    public static void Write(object value)
    {
        Console.Out.Flush();
        Console.WriteLine(Serialize(value));
    }
}
