using EdgeCluster.Client.Connection;

namespace EdgeCluster.Client.Load;

/// <summary>After a load: how many raw input bytes any device other than a request's own origin received, as each device counted them.</summary>
public static class RawInputGuard
{
    // Checks run a few at a time so that a large load does not flood the fleet with traffic queries.
    private const int Parallelism = 8;

    public static async Task<long> BytesOffDeviceAsync(
        EdgeClusterClient client, IEnumerable<(string RequestId, string Origin)> requests, IReadOnlyCollection<string> inputNames, CancellationToken cancellationToken)
    {
        long total = 0;
        await Parallel.ForEachAsync(
            requests,
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (request, _) => Interlocked.Add(ref total, await client.BytesOffDeviceAsync(request.RequestId, request.Origin, inputNames)));
        return total;
    }
}
