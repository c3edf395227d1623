namespace Corrections.Cli.Benchmarks;

/// <summary>Resident memory as the kernel counts it (native libtorch allocations included, unlike the GC's figures).</summary>
public static class ProcessMemory
{
    public static double ResidentMb() => Read("VmRSS:");

    public static double PeakResidentMb() => Read("VmHWM:");

    private static double Read(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return double.Parse(line[field.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) / 1024;
            }
        }
        return double.NaN;
    }
}
