using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Tensors;
using EdgeCluster.Onnx.Compression;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeCluster.Grains.Inference;

/// <summary>
/// Link compression between stages: the sending stage encodes the float tensors it forwards with its route's codec,
/// the receiving stage decodes whatever arrives encoded before running its shard. Payloads describe their own
/// encoding, so a receiver needs no knowledge of the sender's codec.
/// </summary>
public static class ActivationWire
{
    /// <summary>Encodes every unencoded Float payload with <paramref name="codec"/>; returns the same array for None.</summary>
    public static TensorPayload[] Encode(TensorPayload[] tensors, TensorEncoding codec)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var activation = Codec(codec);
        if (activation == ActivationCodec.None)
        {
            return tensors;
        }

        return Array.ConvertAll(tensors, tensor => Encode(tensor, activation));
    }

    /// <summary>Decodes every encoded payload; returns the same array when nothing is encoded.</summary>
    public static TensorPayload[] Decode(TensorPayload[] tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        return Array.Exists(tensors, t => t.Encoding != TensorEncoding.None) ? Array.ConvertAll(tensors, Decode) : tensors;
    }

    /// <summary>The decoded payload; throws InvalidArgument when the encoding is unknown or inconsistent with the shape.</summary>
    public static TensorPayload Decode(TensorPayload tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Encoding == TensorEncoding.None)
        {
            return tensor;
        }

        try
        {
            var encoded = new EncodedTensor(
                tensor.Name, (TensorElementType)tensor.DataType, tensor.Shape, Codec(tensor.Encoding), tensor.Data, tensor.Scale, tensor.ZeroPoint);
            return ActivationCodecs.Decode(encoded).ToPayload();
        }
        catch (InvalidDataException exception)
        {
            throw EdgeClusterException.InvalidArgument(exception.Message);
        }
    }

    /// <summary>The codec a deployment may put on its links; throws InvalidArgument for a value that names none.</summary>
    public static TensorEncoding CheckCodec(TensorEncoding codec)
    {
        _ = Codec(codec);
        return codec;
    }

    private static TensorPayload Encode(TensorPayload tensor, ActivationCodec codec)
    {
        if (tensor.Encoding != TensorEncoding.None || tensor.DataType != TensorDataType.Float)
        {
            return tensor;
        }

        var encoded = ActivationCodecs.Encode(tensor.ToNamedTensor(), codec);
        return tensor with
        {
            Data = encoded.Data,
            Encoding = (TensorEncoding)encoded.Codec,
            Scale = encoded.Scale,
            ZeroPoint = encoded.ZeroPoint,
        };
    }

    private static ActivationCodec Codec(TensorEncoding encoding) => encoding switch
    {
        TensorEncoding.None => ActivationCodec.None,
        TensorEncoding.Float16 => ActivationCodec.Fp16,
        TensorEncoding.Int8 => ActivationCodec.Int8,
        _ => throw EdgeClusterException.InvalidArgument(
            $"Tensor encoding {(int)encoding} is unknown; use {string.Join(", ", Enum.GetNames<TensorEncoding>())}."),
    };
}
