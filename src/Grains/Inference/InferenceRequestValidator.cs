using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Inference;

namespace EdgeCluster.Grains.Inference;

/// <summary>Checks names before any work starts; shapes and types are checked by the shard's session.</summary>
public static class InferenceRequestValidator
{
    public static void Validate(InferenceRequest request, DeploymentRoute route)
    {
        var given = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in request.Inputs)
        {
            if (!route.ModelInputs.Contains(input.Name, StringComparer.Ordinal))
            {
                throw EdgeClusterException.InvalidArgument(
                    $"Input '{input.Name}' is not an input of model '{route.Model}' (inputs: {string.Join(", ", route.ModelInputs)}).");
            }

            if (!given.Add(input.Name))
            {
                throw EdgeClusterException.InvalidArgument($"Input '{input.Name}' is given twice.");
            }
        }

        var missing = route.ModelInputs.Where(name => !given.Contains(name)).ToArray();
        if (missing.Length > 0)
        {
            throw EdgeClusterException.InvalidArgument(
                $"Input '{missing[0]}' is missing; model '{route.Model}' needs {string.Join(", ", route.ModelInputs)}.");
        }

        var unknownOutput = request.OutputNames.FirstOrDefault(name => !route.ModelOutputs.Contains(name, StringComparer.Ordinal));
        if (unknownOutput is not null)
        {
            throw EdgeClusterException.InvalidArgument(
                $"Output '{unknownOutput}' is not an output of model '{route.Model}' (outputs: {string.Join(", ", route.ModelOutputs)}).");
        }
    }
}
