namespace EdgeCluster.Grains.Interfaces.Models;

/// <summary>The fleet's model catalogue (one activation, key <see cref="Key"/>).</summary>
[Alias("edgecluster.IModelRegistryGrain")]
public interface IModelRegistryGrain : IGrainWithStringKey
{
    const string Key = "fleet";

    /// <summary>Registers (or replaces) <paramref name="name"/> as the uploaded blob <paramref name="sha256"/>; validates the ONNX content.</summary>
    [Alias("register")]
    Task<ModelInfo> RegisterAsync(string name, string sha256);

    /// <summary>The model registered under <paramref name="name"/>, or null.</summary>
    [Alias("get")]
    Task<ModelInfo?> GetAsync(string name);

    /// <summary>Every registered model, by name.</summary>
    [Alias("list")]
    Task<ModelInfo[]> ListAsync();
}
