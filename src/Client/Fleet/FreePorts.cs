using System.Net;
using System.Net.Sockets;

namespace EdgeCluster.Client.Fleet;

public static class FreePorts
{
    /// <summary>Ports the OS hands out now; all listeners stay open until every port is taken, so none repeats.</summary>
    public static int[] Take(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        try
        {
            foreach (var listener in listeners)
            {
                listener.Start();
            }

            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
            }
        }
    }
}
