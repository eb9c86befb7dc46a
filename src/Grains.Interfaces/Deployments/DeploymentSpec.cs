namespace EdgeCluster.Grains.Interfaces.Deployments;

/// <summary>What to deploy: a registered model cut into <paramref name="Stages"/> stages over <paramref name="Devices"/> (empty: every device).</summary>
[GenerateSerializer, Immutable, Alias("edgecluster.deployment-spec")]
public sealed record DeploymentSpec(
    [property: Id(0)] string Model,
    [property: Id(1)] int Stages,
    [property: Id(2)] string[] Devices)
{
    /// <summary>Codec for the float activations on every link between stages; None sends them as they are.</summary>
    [Id(3)]
    public Tensors.TensorEncoding Codec { get; init; }

    /// <summary>Devices that send requests: each gets stage 0 loaded at deploy time. Empty: origins load it on first use.</summary>
    [Id(4)]
    public string[] Origins { get; init; } = [];

    /// <summary>Replicas of every stage after stage 0, on distinct devices; 0 or 1 means one.</summary>
    [Id(5)]
    public int Replicas { get; init; }

    /// <summary>
    /// Where to cut, as topological node positions of the planner's valid cuts (stage i+1 starts at Cuts[i]); exactly
    /// <see cref="Stages"/> - 1 of them, strictly increasing. Empty: the planner balances the stages' FLOPs.
    /// </summary>
    [Id(6)]
    public int[] Cuts { get; init; } = [];

    /// <summary>
    /// Dynamic batching for every stage whose shard allows a batch axis (the model is cut with axis 0 symbolic, and each
    /// stage is checked); null: every request runs alone.
    /// </summary>
    [Id(7)]
    public StageBatching? Batching { get; init; }
}
