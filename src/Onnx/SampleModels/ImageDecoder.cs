using System.Buffers.Binary;

namespace EdgeCluster.Onnx.SampleModels;

/// <summary>
/// Decodes binary PPM (P6) and uncompressed 24/32-bit BMP by hand:
/// no image package dependency for two trivial formats.
/// </summary>
public static class ImageDecoder
{
    /// <summary>Decodes a .ppm or .bmp file, detected by content.</summary>
    public static RgbImage Decode(string path)
    {
        var bytes = File.ReadAllBytes(path);
        try
        {
            return Decode(bytes);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Decodes PPM (P6) or BMP bytes, detected by the leading magic.</summary>
    public static RgbImage Decode(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length >= 2 && bytes[0] == 'P' && bytes[1] == '6')
        {
            return DecodePpm(bytes);
        }

        if (bytes.Length >= 2 && bytes[0] == 'B' && bytes[1] == 'M')
        {
            return DecodeBmp(bytes);
        }

        throw new InvalidDataException("Unsupported image format: only binary PPM (P6) and uncompressed 24/32-bit BMP are supported.");
    }

    private static RgbImage DecodePpm(byte[] bytes)
    {
        var position = 2;
        var width = ReadPpmNumber(bytes, ref position);
        var height = ReadPpmNumber(bytes, ref position);
        var maxValue = ReadPpmNumber(bytes, ref position);
        if (width <= 0 || height <= 0 || maxValue is <= 0 or > 65535)
        {
            throw new InvalidDataException($"Invalid PPM header: {width}x{height}, max value {maxValue}.");
        }

        position++; // exactly one whitespace byte separates the header from the samples
        var sampleSize = maxValue > 255 ? 2 : 1;
        var samples = 3L * width * height;
        if (bytes.Length - position < samples * sampleSize)
        {
            throw new InvalidDataException($"PPM data is truncated: {width}x{height} needs {samples * sampleSize} bytes, found {Math.Max(0, bytes.Length - position)}.");
        }

        var pixels = new byte[samples];
        for (var i = 0; i < samples; i++)
        {
            int value = sampleSize == 1 ? bytes[position + i] : BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(position + (2 * i), 2));
            pixels[i] = maxValue == 255 ? (byte)value : (byte)Math.Round(Math.Min(value, maxValue) * 255.0 / maxValue);
        }

        return new RgbImage(width, height, pixels);
    }

    private static int ReadPpmNumber(byte[] bytes, ref int position)
    {
        while (position < bytes.Length && (char.IsWhiteSpace((char)bytes[position]) || bytes[position] == '#'))
        {
            if (bytes[position] == '#')
            {
                while (position < bytes.Length && bytes[position] != '\n')
                {
                    position++;
                }
            }
            else
            {
                position++;
            }
        }

        var start = position;
        long value = 0;
        while (position < bytes.Length && bytes[position] is >= (byte)'0' and <= (byte)'9' && value <= int.MaxValue)
        {
            value = (value * 10) + (bytes[position] - '0');
            position++;
        }

        return position == start || value > int.MaxValue
            ? throw new InvalidDataException("Invalid PPM header: expected a decimal number.")
            : (int)value;
    }

    private static RgbImage DecodeBmp(byte[] bytes)
    {
        if (bytes.Length < 54)
        {
            throw new InvalidDataException("BMP file is truncated: the headers need 54 bytes.");
        }

        var span = bytes.AsSpan();
        var dataOffset = BinaryPrimitives.ReadUInt32LittleEndian(span[10..]);
        var infoSize = BinaryPrimitives.ReadUInt32LittleEndian(span[14..]);
        var width = BinaryPrimitives.ReadInt32LittleEndian(span[18..]);
        var rawHeight = BinaryPrimitives.ReadInt32LittleEndian(span[22..]);
        var bitsPerPixel = BinaryPrimitives.ReadUInt16LittleEndian(span[28..]);
        var compression = BinaryPrimitives.ReadUInt32LittleEndian(span[30..]);
        if (infoSize < 40)
        {
            throw new InvalidDataException($"Unsupported BMP header of {infoSize} bytes (OS/2 bitmaps are not supported).");
        }

        if (bitsPerPixel is not (24 or 32))
        {
            throw new InvalidDataException($"Unsupported BMP with {bitsPerPixel} bits per pixel; only 24 and 32 are supported.");
        }

        // BI_BITFIELDS is accepted only with the standard BGRA masks, which read like BI_RGB.
        var standardMasks = compression == 3 && bitsPerPixel == 32 && bytes.Length >= 66
            && BinaryPrimitives.ReadUInt32LittleEndian(span[54..]) == 0x00FF0000
            && BinaryPrimitives.ReadUInt32LittleEndian(span[58..]) == 0x0000FF00
            && BinaryPrimitives.ReadUInt32LittleEndian(span[62..]) == 0x000000FF;
        if (compression != 0 && !standardMasks)
        {
            throw new InvalidDataException($"Unsupported BMP compression {compression}; only uncompressed bitmaps are supported.");
        }

        var topDown = rawHeight < 0;
        var height = Math.Abs(rawHeight);
        if (width <= 0 || height <= 0)
        {
            throw new InvalidDataException($"Invalid BMP size {width}x{rawHeight}.");
        }

        var bytesPerPixel = bitsPerPixel / 8;
        var stride = ((width * bytesPerPixel) + 3) / 4 * 4;
        if (dataOffset > bytes.Length || bytes.Length - dataOffset < (long)stride * height)
        {
            throw new InvalidDataException($"BMP pixel data is truncated: {width}x{height} needs {(long)stride * height} bytes from offset {dataOffset}.");
        }

        var pixels = new byte[3 * width * height];
        for (var y = 0; y < height; y++)
        {
            var row = (int)dataOffset + ((topDown ? y : height - 1 - y) * stride);
            for (var x = 0; x < width; x++)
            {
                var source = row + (x * bytesPerPixel);
                var target = 3 * ((y * width) + x);
                pixels[target] = bytes[source + 2];
                pixels[target + 1] = bytes[source + 1];
                pixels[target + 2] = bytes[source];
            }
        }

        return new RgbImage(width, height, pixels);
    }
}
