namespace EdgeCluster.Grains.Interfaces.Deployments;

public enum DeploymentState
{
    None = 0,
    Deploying = 1,
    Ready = 2,
    Failed = 3,
}
