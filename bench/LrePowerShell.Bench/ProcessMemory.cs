namespace LrePowerShell.Bench;

/// <summary>The process's resident memory from /proc/self/status (bytes): now, and the peak since start.</summary>
public static class ProcessMemory
{
    public static long Rss => Read("VmRSS:");
    public static long PeakRss => Read("VmHWM:");

    private static long Read(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(field, StringComparison.Ordinal))
                return long.Parse(line[field.Length..].Trim().Split(' ')[0]) * 1024;
        return 0;
    }
}
