using System.Runtime.InteropServices;
using EdgeCluster.Silo.Protocol.V2;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeCluster.Silo.Tests.Protocol;

/// <summary>Six values per element type, edges of each range included, as typed contents, raw bytes and JSON.</summary>
public sealed record SampleValues(TensorElementType Type, InferTensorContents Contents, byte[] Raw, string Json)
{
    public static readonly long[] Shape = [2, 3];

    public static SampleValues For(TensorElementType type)
    {
        var contents = new InferTensorContents();
        switch (type)
        {
            case TensorElementType.Bool:
                bool[] bools = [true, false, true, true, false, false];
                contents.BoolContents.AddRange(bools);
                return new(type, contents, bools.Select(b => b ? (byte)1 : (byte)0).ToArray(), "[[true,false,true],[true,false,false]]");
            case TensorElementType.UInt8:
                byte[] bytes = [0, 1, 127, 128, 254, 255];
                contents.UintContents.AddRange(bytes.Select(v => (uint)v));
                return new(type, contents, bytes, "[0,1,127,128,254,255]");
            case TensorElementType.Int8:
                sbyte[] sbytes = [-128, -1, 0, 1, 100, 127];
                contents.IntContents.AddRange(sbytes.Select(v => (int)v));
                return new(type, contents, Bytes(sbytes), "[-128,-1,0,1,100,127]");
            case TensorElementType.Int16:
                short[] shorts = [short.MinValue, -1, 0, 1, 1000, short.MaxValue];
                contents.IntContents.AddRange(shorts.Select(v => (int)v));
                return new(type, contents, Bytes(shorts), "[-32768,-1,0,1,1000,32767]");
            case TensorElementType.Int32:
                int[] ints = [int.MinValue, -1, 0, 1, 123456, int.MaxValue];
                contents.IntContents.AddRange(ints);
                return new(type, contents, Bytes(ints), "[-2147483648,-1,0,1,123456,2147483647]");
            case TensorElementType.Int64:
                long[] longs = [long.MinValue, -1, 0, 1, 1L << 40, long.MaxValue];
                contents.Int64Contents.AddRange(longs);
                return new(type, contents, Bytes(longs), "[-9223372036854775808,-1,0,1,1099511627776,9223372036854775807]");
            case TensorElementType.Float:
                float[] floats = [-1.5f, 0f, 3.25f, float.MaxValue, float.Epsilon, -0.1f];
                contents.Fp32Contents.AddRange(floats);
                return new(type, contents, Bytes(floats), "[-1.5,0,3.25,3.4028235E+38,1E-45,-0.1]");
            case TensorElementType.Double:
                double[] doubles = [-1.5, 0, Math.PI, double.MaxValue, double.Epsilon, -0.1];
                contents.Fp64Contents.AddRange(doubles);
                return new(type, contents, Bytes(doubles), "[-1.5,0,3.141592653589793,1.7976931348623157E+308,5E-324,-0.1]");
            case TensorElementType.Float16:
                Half[] halves = [(Half)(-1.5f), (Half)0f, (Half)0.099975586f, Half.MaxValue, Half.Epsilon, (Half)(-2f)];
                return new(type, contents, Bytes(halves), "[-1.5,0,0.099975586,65504,5.9604645E-08,-2]");
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "no sample values");
        }
    }

    private static byte[] Bytes<T>(T[] values)
        where T : unmanaged => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
}
