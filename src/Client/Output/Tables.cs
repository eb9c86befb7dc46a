using System.Globalization;
using EdgeCluster.Grains.Interfaces.Inference;
using Spectre.Console;

namespace EdgeCluster.Client.Output;

public static class Tables
{
    public static string Bytes(long bytes) => bytes switch
    {
        >= 1 << 20 => (bytes / (double)(1 << 20)).ToString("F2", CultureInfo.InvariantCulture) + " MiB",
        >= 1 << 10 => (bytes / (double)(1 << 10)).ToString("F1", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };

    public static Table Hops(IEnumerable<StageHop> hops)
    {
        var table = new Table().AddColumns("stage", "device", "compute ms", "bytes in", "bytes out", "batch rows");
        foreach (var hop in hops)
        {
            table.AddRow(
                hop.Stage.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(hop.Device),
                hop.Milliseconds.ToString("F2", CultureInfo.InvariantCulture),
                Bytes(hop.BytesIn),
                Bytes(hop.BytesOut),
                hop.BatchRows.ToString(CultureInfo.InvariantCulture));
        }

        return table;
    }

    public static object HopJson(StageHop hop) => new Dictionary<string, object>
    {
        ["stage"] = hop.Stage,
        ["device"] = hop.Device,
        ["ms"] = Math.Round(hop.Milliseconds, 3),
        ["bytes_in"] = hop.BytesIn,
        ["bytes_out"] = hop.BytesOut,
        ["batch_rows"] = hop.BatchRows,
    };
}
