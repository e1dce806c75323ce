using System.Management.Automation;
using LrePowerShell.Engine.Hub;

namespace LrePowerShell.Cmdlets;

/// <summary>Shows hub downloads with Write-Progress: one activity per file, with bytes, total and rate.</summary>
internal sealed class DownloadProgressView(Cmdlet cmdlet)
{
    // ids above those a script is likely to use for its own Write-Progress around the import
    private const int FirstActivityId = 0x4C52;
    private readonly Dictionary<string, (int Id, string Activity)> _open = new(StringComparer.Ordinal);
    private int _next = FirstActivityId;

    public void Show(HubDownloadProgress p)
    {
        if (!_open.TryGetValue(p.FileName, out var activity))
        {
            if (p.Completed) return;   // a file that never showed progress needs no completion either
            _open[p.FileName] = activity = (_next++, $"Downloading {p.FileName} ({p.RepoId})");
        }
        if (p.Completed)
        {
            Complete(p.FileName);
            return;
        }
        // a new record each time: hosts may keep the records they were given
        var record = new ProgressRecord(activity.Id, activity.Activity, p.TotalBytes is long total
            ? $"{Size(p.BytesDone)} of {Size(total)} at {Size((long)p.BytesPerSecond)}/s"
            : $"{Size(p.BytesDone)} at {Size((long)p.BytesPerSecond)}/s");
        if (p.TotalBytes is long t && t > 0)
        {
            record.PercentComplete = (int)Math.Clamp(100 * p.BytesDone / t, 0, 100);
            if (p.BytesPerSecond > 0) record.SecondsRemaining = (int)Math.Min((t - p.BytesDone) / p.BytesPerSecond, int.MaxValue);
        }
        cmdlet.WriteProgress(record);
    }

    /// <summary>Closes every activity still open (the download failed or was stopped part-way).</summary>
    public void CompleteAll()
    {
        foreach (var file in _open.Keys.ToList()) Complete(file);
    }

    private void Complete(string file)
    {
        var (id, activity) = _open[file];
        _open.Remove(file);
        cmdlet.WriteProgress(new ProgressRecord(id, activity, "done") { RecordType = ProgressRecordType.Completed });
    }

    private static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.00} GB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0} MB",
        >= 1L << 10 => $"{bytes / 1024.0:0.0} kB",
        _ => $"{bytes} B",
    };
}
