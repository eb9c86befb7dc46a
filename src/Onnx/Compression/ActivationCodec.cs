namespace EdgeCluster.Onnx.Compression;

/// <summary>How a float activation is encoded while it crosses a link between two stages.</summary>
public enum ActivationCodec
{
    /// <summary>The float32 bytes as they are: lossless, 4 bytes per element.</summary>
    None = 0,

    /// <summary>IEEE half precision: 2 bytes per element, relative error at most 2^-11 inside the half range.</summary>
    Fp16 = 1,

    /// <summary>
    /// Per-tensor affine 8-bit quantisation as ONNX QuantizeLinear/DequantizeLinear define it for uint8: 1 byte per
    /// element plus a float scale and an integer zero point; absolute error at most scale / 2.
    /// </summary>
    Int8 = 2,
}
