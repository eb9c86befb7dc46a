using Orleans.Configuration;

namespace EdgeCluster.Grains.Failover;

/// <summary>
/// Membership timing for a fleet of edge devices, where a device that stops answering should lose its
/// stages within seconds rather than the minute Orleans' defaults allow.
/// </summary>
/// <remarks>
/// Defaults (5 s probes, 3 misses, 4x adaptive ceiling, 60 s table refresh) take 12–19 s to declare a crashed
/// silo dead and about a minute for a partitioned one. Here: 1 s probes, ceiling 2 s, 3 misses and 2 votes
/// put a crash (refused connections, probes fail at once) at about 3–5 s and a partition (probes time out)
/// at about 7–10 s; a 2 s table refresh lets every silo see the verdict quickly. The price: more probe
/// traffic, and a device stalled for ~6 s (long GC, CPU starved) is evicted and must restart.
/// Connection liveness stays on, so a busy device still exchanging messages is not voted dead.
/// </remarks>
public static class MembershipTuning
{
    public static void Apply(ClusterMembershipOptions options)
    {
        options.ProbeTimeout = TimeSpan.FromSeconds(1);
        options.MinProbeTimeout = TimeSpan.FromMilliseconds(500);
        options.MaxProbeTimeout = TimeSpan.FromSeconds(2);
        options.NumMissedProbesLimit = 3;
        options.NumVotesForDeathDeclaration = 2;
        options.TableRefreshTimeout = TimeSpan.FromSeconds(2);
        options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
        options.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(30);
        options.EnableConnectionLivenessCheck = true;
    }
}
