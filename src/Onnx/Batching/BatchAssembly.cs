using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Onnx.Batching;

/// <summary>
/// Stacks requests along axis 0 and takes the results apart again. Axis 0 is the outermost in row-major order, so a
/// request's rows are one contiguous block of bytes: stacking and slicing are plain copies.
/// </summary>
public static class BatchAssembly
{
    /// <summary>The rows a request brings (axis 0 of its inputs); null when an input is a scalar or they disagree.</summary>
    public static long? Rows(IReadOnlyList<NamedTensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        long? rows = null;
        foreach (var input in inputs)
        {
            if (input.Shape.Length == 0 || (rows is { } seen && seen != input.Shape[0]))
            {
                return null;
            }

            rows = input.Shape[0];
        }

        return rows;
    }

    /// <summary>Whether two requests can share a batch: the same tensors in the same order, types and sizes beyond axis 0.</summary>
    public static bool Compatible(IReadOnlyList<NamedTensor> a, IReadOnlyList<NamedTensor> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Count; i++)
        {
            if (a[i].Name != b[i].Name || a[i].ElementType != b[i].ElementType || !a[i].Shape.AsSpan(1).SequenceEqual(b[i].Shape.AsSpan(1)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>One tensor per input position, every request's rows in order; the requests must be <see cref="Compatible"/>.</summary>
    public static NamedTensor[] Stack(IReadOnlyList<IReadOnlyList<NamedTensor>> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentOutOfRangeException.ThrowIfZero(requests.Count);
        var first = requests[0];
        var stacked = new NamedTensor[first.Count];
        for (var i = 0; i < first.Count; i++)
        {
            var data = GC.AllocateUninitializedArray<byte>(checked(requests.Sum(r => r[i].Data.Length)));
            var offset = 0;
            long rows = 0;
            foreach (var request in requests)
            {
                var part = request[i];
                part.Data.CopyTo(data, offset);
                offset += part.Data.Length;
                rows += part.Shape[0];
            }

            var shape = first[i].Shape.ToArray();
            shape[0] = rows;
            stacked[i] = new NamedTensor(first[i].Name, first[i].ElementType, shape, data);
        }

        return stacked;
    }

    /// <summary>
    /// Rows [<paramref name="firstRow"/>, <paramref name="firstRow"/> + <paramref name="rows"/>) of a batched result, in an
    /// array from <paramref name="allocate"/> (given the exact byte length) or a fresh one.
    /// </summary>
    public static NamedTensor Slice(NamedTensor batched, long totalRows, long firstRow, long rows, Func<int, byte[]>? allocate = null)
    {
        ArgumentNullException.ThrowIfNull(batched);
        if (batched.Shape.Length == 0 || batched.Shape[0] != totalRows)
        {
            throw new InvalidOperationException(
                $"Output '{batched.Name}' has shape {ShapeMath.Format(batched.Shape)}, which does not follow the batch of {totalRows} rows on its first axis.");
        }

        var rowBytes = batched.Data.Length / totalRows;
        var length = checked((int)(rowBytes * rows));
        var data = allocate?.Invoke(length) ?? GC.AllocateUninitializedArray<byte>(length);
        batched.Data.AsSpan(checked((int)(rowBytes * firstRow)), length).CopyTo(data);
        var shape = batched.Shape.ToArray();
        shape[0] = rows;
        return new NamedTensor(batched.Name, batched.ElementType, shape, data);
    }
}
