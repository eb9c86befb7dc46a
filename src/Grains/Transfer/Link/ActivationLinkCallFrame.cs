using System.Buffers.Binary;

namespace EdgeCluster.Grains.Transfer.Link;

/// <summary>Which pipeline-stage method a call on the link invokes.</summary>
public enum ActivationLinkMethod : byte
{
    /// <summary><see cref="Interfaces.Inference.IPipelineStageGrain.InferAsync"/>, from a client to its origin device.</summary>
    Infer = 1,

    /// <summary><see cref="Interfaces.Inference.IPipelineStageGrain.RunAsync"/>, from one stage to the next.</summary>
    RunStage = 2,

    /// <summary>A request's result (an <see cref="Interfaces.Inference.OriginAnswer"/>), from its last stage to its origin.</summary>
    AnswerOrigin = 3,
}

/// <summary>
/// The header of a stage call carried on the link: magic, method, the stage grain's key and the caller's W3C trace
/// context (texts), then the length of the serialized request that follows. The callee answers on the same
/// connection with an <see cref="ActivationLinkReplyFrame"/>.
/// </summary>
public sealed record ActivationLinkCallFrame(ActivationLinkMethod Method, string GrainKey, string TraceParent, string TraceState, long Length)
{
    public const uint Magic = 0x45434331; // "ECC1"

    private const int FixedBytes = 4 + 1 + 2 + 2 + 2 + 8;

    public byte[] Encode()
    {
        var key = LinkWire.Text(GrainKey);
        var parent = LinkWire.Text(TraceParent);
        var state = LinkWire.Text(TraceState);
        var header = new byte[FixedBytes + key.Length + parent.Length + state.Length];
        var span = header.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, Magic);
        span[4] = (byte)Method;
        var offset = LinkWire.WriteText(span, 5, key);
        offset = LinkWire.WriteText(span, offset, parent);
        offset = LinkWire.WriteText(span, offset, state);
        BinaryPrimitives.WriteInt64LittleEndian(span[offset..], Length);
        return header;
    }

    /// <summary>Reads the rest of a call header whose magic number was already read.</summary>
    public static async Task<ActivationLinkCallFrame> ReadAfterMagicAsync(Stream stream, long maxLength, CancellationToken cancellationToken)
    {
        var method = new byte[1];
        await stream.ReadExactlyAsync(method, cancellationToken);
        if (!Enum.IsDefined((ActivationLinkMethod)method[0]))
        {
            throw new InvalidDataException($"The link call names method {method[0]}, which does not exist.");
        }

        var key = await LinkWire.ReadTextAsync(stream, cancellationToken);
        var parent = await LinkWire.ReadTextAsync(stream, cancellationToken);
        var state = await LinkWire.ReadTextAsync(stream, cancellationToken);
        var length = await LinkWire.ReadLengthAsync(stream, maxLength, $"the call to '{key}'", cancellationToken);
        return new ActivationLinkCallFrame((ActivationLinkMethod)method[0], key, parent, state, length);
    }
}
