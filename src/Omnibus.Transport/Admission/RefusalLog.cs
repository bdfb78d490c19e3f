namespace Omnibus.Transport.Admission;

/// <summary>
/// Rate limit for refusal log lines: a flood of refused sockets must not become a flood of log
/// lines. One line per reason per interval, carrying how many were refused since the last one.
/// </summary>
internal sealed class RefusalLog(TimeProvider clock, TimeSpan interval)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<ConnectionRefusal, (long Count, long LastLogged)> _byReason = [];

    /// <summary>Counts one refusal; true (with the count since the last line) when a line is due.</summary>
    public bool ShouldLog(ConnectionRefusal reason, out long count)
    {
        long now = clock.GetTimestamp();
        lock (_gate)
        {
            if (!_byReason.TryGetValue(reason, out (long Count, long LastLogged) entry))
            {
                _byReason[reason] = (0, now);
                count = 1;
                return true;
            }
            entry.Count++;
            if (clock.GetElapsedTime(entry.LastLogged, now) >= interval)
            {
                count = entry.Count;
                _byReason[reason] = (0, now);
                return true;
            }
            _byReason[reason] = entry;
            count = 0;
            return false;
        }
    }
}
