using System.Diagnostics;

namespace EdgeCluster.Grains.Devices;

/// <summary>
/// A quick single-thread multiply-add benchmark, so the planner can weigh fast and slow devices.
/// 1.0 is about one core of a 2020s desktop; only ratios between devices matter.
/// </summary>
public static class DeviceSpeedProbe
{
    private const int Size = 96;
    private const double ReferenceGflops = 2.0;

    public static double Measure(TimeSpan budget)
    {
        var a = new float[Size * Size];
        var b = new float[Size * Size];
        var c = new float[Size * Size];
        for (var i = 0; i < a.Length; i++)
        {
            a[i] = (i % 7) * 0.1f;
            b[i] = (i % 5) * 0.2f;
        }

        var watch = Stopwatch.StartNew();
        long rounds = 0;
        do
        {
            Multiply(a, b, c);
            rounds++;
        }
        while (watch.Elapsed < budget);

        var gflops = rounds * 2.0 * Size * Size * Size / watch.Elapsed.TotalSeconds / 1e9;
        return Math.Round(gflops / ReferenceGflops, 3);
    }

    private static void Multiply(float[] a, float[] b, float[] c)
    {
        for (var i = 0; i < Size; i++)
        {
            for (var k = 0; k < Size; k++)
            {
                var aik = a[(i * Size) + k];
                for (var j = 0; j < Size; j++)
                {
                    c[(i * Size) + j] += aik * b[(k * Size) + j];
                }
            }
        }
    }
}
