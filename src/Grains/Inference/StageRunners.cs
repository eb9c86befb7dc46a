using System.Collections.Concurrent;
using EdgeCluster.Grains.Compute;
using EdgeCluster.Grains.Failover;
using EdgeCluster.Grains.Transfer;
using EdgeCluster.Grains.Transfer.Link;
using Microsoft.Extensions.Options;

namespace EdgeCluster.Grains.Inference;

/// <summary>This silo's <see cref="StageRunner"/> per deployment, and the silo services they share.</summary>
public sealed class StageRunners(
    IGrainFactory grains,
    ILocalSiloDetails silo,
    IClusterMembershipService membership,
    OriginRequestGuard originGuard,
    StageWorkTracker work,
    ReplicaSelector replicas,
    ActivationAssembler assembler,
    ActivationInbox inbox,
    ActivationLinkStaging link,
    OpenShardSessions sessions,
    ShardComputeQueue compute,
    OriginAnswers answers,
    IOptions<ActivationTransferOptions> transfer)
{
    private readonly ConcurrentDictionary<string, StageRunner> _runners = new(StringComparer.Ordinal);

    public IGrainFactory Grains => grains;

    /// <summary>This silo's device id.</summary>
    public string Device => silo.Name;

    public IClusterMembershipService Membership => membership;

    public OriginRequestGuard OriginGuard => originGuard;

    public StageWorkTracker Work => work;

    public ReplicaSelector Replicas => replicas;

    public ActivationAssembler Assembler => assembler;

    public ActivationInbox Inbox => inbox;

    public ActivationLinkStaging Link => link;

    public OpenShardSessions Sessions => sessions;

    public ShardComputeQueue Compute => compute;

    public OriginAnswers Answers => answers;

    public ActivationTransferOptions Transfer => transfer.Value;

    public StageRunner For(string deployment) => _runners.GetOrAdd(deployment, name => new StageRunner(this, name));
}
