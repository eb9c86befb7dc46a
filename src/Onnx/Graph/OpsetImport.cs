namespace EdgeCluster.Onnx.Graph;

/// <summary>One operator-set import of a model; the default ONNX domain is the empty string.</summary>
public sealed record OpsetImport(string Domain, long Version);
