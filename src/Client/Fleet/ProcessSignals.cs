using System.Runtime.InteropServices;

namespace EdgeCluster.Client.Fleet;

/// <summary>
/// SIGTERM for graceful silo shutdown. Written by hand: .NET's Process.Kill only sends SIGKILL, and
/// one libc call does not justify a POSIX package.
/// </summary>
public static partial class ProcessSignals
{
    private const int SigTerm = 15;
    private const int SigKill = 9;

    public static bool Terminate(int pid) => Kill(pid, SigTerm) == 0;

    public static bool ForceKill(int pid) => Kill(pid, SigKill) == 0;

    public static bool IsAlive(int pid) => Kill(pid, 0) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
