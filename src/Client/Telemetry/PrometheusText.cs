using System.Globalization;
using System.Text;

namespace EdgeCluster.Client.Telemetry;

/// <summary>
/// Reads the samples of a Prometheus text-format scrape (version 0.0.4). Hand-written: no maintained .NET
/// parser of the format is in our dependency set, and we only need sample lines (comments are skipped).
/// </summary>
public static class PrometheusText
{
    public static IReadOnlyList<MetricSample> Parse(string text)
    {
        var samples = new List<MetricSample>();
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.TrimEnd('\r').Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            samples.Add(ParseLine(line, lineNumber));
        }

        return samples;
    }

    private static MetricSample ParseLine(string line, int lineNumber)
    {
        var position = 0;
        while (position < line.Length && line[position] is not ('{' or ' ' or '\t'))
        {
            position++;
        }

        var name = line[..position];
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (position < line.Length && line[position] == '{')
        {
            position = ParseLabels(line, position + 1, labels, lineNumber);
        }

        var valueText = line[position..].Trim().Split(' ', '\t')[0];
        if (name.Length == 0 || !TryParseValue(valueText, out var value))
        {
            throw new FormatException($"Line {lineNumber} of the metrics scrape is not a sample: '{line}'.");
        }

        return new MetricSample(name, labels, value);
    }

    /// <summary>Reads <c>name="value",...}</c> starting after the brace; returns the position after the closing brace.</summary>
    private static int ParseLabels(string line, int position, Dictionary<string, string> labels, int lineNumber)
    {
        while (true)
        {
            while (position < line.Length && line[position] is ' ' or ',')
            {
                position++;
            }

            if (position < line.Length && line[position] == '}')
            {
                return position + 1;
            }

            var equals = line.IndexOf('=', position);
            if (equals < 0 || equals + 1 >= line.Length || line[equals + 1] != '"')
            {
                throw new FormatException($"Line {lineNumber} of the metrics scrape has a malformed label: '{line}'.");
            }

            var labelName = line[position..equals].Trim();
            var value = new StringBuilder();
            position = equals + 2;
            for (; position < line.Length && line[position] != '"'; position++)
            {
                if (line[position] == '\\' && position + 1 < line.Length)
                {
                    position++;
                    value.Append(line[position] == 'n' ? '\n' : line[position]);
                }
                else
                {
                    value.Append(line[position]);
                }
            }

            if (position >= line.Length)
            {
                throw new FormatException($"Line {lineNumber} of the metrics scrape has an unterminated label value: '{line}'.");
            }

            labels[labelName] = value.ToString();
            position++;
        }
    }

    private static bool TryParseValue(string text, out double value)
    {
        switch (text)
        {
            case "+Inf":
                value = double.PositiveInfinity;
                return true;
            case "-Inf":
                value = double.NegativeInfinity;
                return true;
            case "NaN":
                value = double.NaN;
                return true;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }
}
