namespace EdgeCluster.Silo.Tests.Telemetry;

/// <summary>A fact that is skipped, saying how to install it, when a program it drives is not on this machine.</summary>
public sealed class RequiresToolFactAttribute : FactAttribute
{
    public RequiresToolFactAttribute(params string[] tools)
    {
        var missing = tools.Where(tool => ExternalTool.Find(tool) is null).ToArray();
        if (missing.Length > 0)
        {
            Skip = $"{string.Join(", ", missing)} not installed; run {ExternalTool.SetupScript} (apt-installs docker-compose and prometheus).";
        }
    }
}
