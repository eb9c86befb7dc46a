namespace EdgeCluster.Client.Tests.Cli;

/// <summary>Whether a recorded silo pid is still a running <c>edgecluster.dll silo</c> process.</summary>
public static class SiloProcesses
{
    /// <summary>
    /// A zombie has exited already (it only waits for its parent to reap it), and a pid recycled by
    /// another program is not our silo, so both count as gone.
    /// </summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..][0];
            var commandLine = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
            return state is not ('Z' or 'X')
                && commandLine.Any(a => a.EndsWith("edgecluster.dll", StringComparison.Ordinal))
                && commandLine.Contains("silo");
        }
        catch (IOException)
        {
            return false;
        }
    }
}
