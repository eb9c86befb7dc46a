namespace EdgeCluster.Grains.Interfaces.Tensors;

/// <summary>
/// How a tensor's bytes travel, and which codec a link applies to the float activations it carries. Numbered as
/// EdgeCluster.Onnx.Compression.ActivationCodec so values convert by cast.
/// </summary>
public enum TensorEncoding
{
    /// <summary>The element bytes as they are.</summary>
    None = 0,

    /// <summary>Float tensors as IEEE half precision.</summary>
    Float16 = 1,

    /// <summary>Float tensors as uint8 codes with a per-tensor scale and zero point.</summary>
    Int8 = 2,
}
