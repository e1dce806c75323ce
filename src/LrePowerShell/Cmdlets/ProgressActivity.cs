using System.Diagnostics;
using System.Management.Automation;

namespace LrePowerShell.Cmdlets;

/// <summary>
/// One Write-Progress activity: a percentage and a time-left estimate from the rate so far, nested
/// under its parent's activity id. Disposing it writes the Completed record, so a using block
/// completes it whether the work ends, fails or is stopped.
/// </summary>
internal sealed class ProgressActivity : IDisposable
{
    private readonly Cmdlet _cmdlet;
    private readonly string _activity;
    private readonly int _parentId;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private bool _completed;

    public ProgressActivity(Cmdlet cmdlet, int id, string activity, ProgressActivity? parent)
    {
        _cmdlet = cmdlet;
        Id = id;
        _activity = activity;
        _parentId = parent?.Id ?? -1;
    }

    public int Id { get; }

    /// <summary>Shows <paramref name="status"/>, <paramref name="done"/> of <paramref name="total"/> units done.</summary>
    public void Report(string status, double done, double total)
    {
        // a new record each time: hosts may keep the records they were given
        var record = new ProgressRecord(Id, _activity, status) { ParentActivityId = _parentId };
        if (total > 0)
        {
            double share = Math.Clamp(done / total, 0, 1);
            record.PercentComplete = (int)(100 * share);
            if (share is > 0 and < 1)
                record.SecondsRemaining = (int)Math.Min(_clock.Elapsed.TotalSeconds * (1 - share) / share, int.MaxValue);
        }
        _cmdlet.WriteProgress(record);
    }

    /// <summary>Shows <paramref name="status"/> with no measure of how far the work is (a single long step).</summary>
    public void Report(string status) =>
        _cmdlet.WriteProgress(new ProgressRecord(Id, _activity, status) { ParentActivityId = _parentId });

    public void Dispose()
    {
        if (_completed) return;
        _completed = true;
        try
        {
            _cmdlet.WriteProgress(new ProgressRecord(Id, _activity, "done") { ParentActivityId = _parentId, RecordType = ProgressRecordType.Completed });
        }
        catch (PipelineStoppedException)
        {
            // a stopped pipeline refuses further records; the host clears its progress display itself
        }
    }
}
