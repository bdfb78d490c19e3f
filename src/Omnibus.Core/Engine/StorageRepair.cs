using System.Globalization;
using Omnibus.Storage;

namespace Omnibus.Core.Engine;

/// <summary>
/// One log that opening the broker had to repair: the entity it belongs to (a queue, topic,
/// dead-letter queue or stream), which of its logs (<c>p0</c>, <c>dlq p0</c>), and what storage
/// found, kept and dropped. The host reports these in its log, metrics and health answer.
/// </summary>
public sealed record StorageRepair(string Entity, string Log, RecoveryReport Report)
{
    /// <summary>What was repaired, in one line for an operator.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        RecoveryReport r = Report;
        if (r.RewroteTornSegmentHeader)
        {
            parts.Add(r.RecordsKeptAfterRewrittenHeader > 0
                ? string.Create(CultureInfo.InvariantCulture, $"the zeroed header of {Path.GetFileName(r.TailSegment)} was rewritten and the {r.RecordsKeptAfterRewrittenHeader} records after it kept")
                : $"the unwritten header of {Path.GetFileName(r.TailSegment)} (a crash while creating it) was written");
        }
        if (r.TruncatedBytes > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture,
                $"{r.TruncatedBytes} bytes cut at byte {r.TruncatedAt} of {Path.GetFileName(r.TailSegment)} ({r.Reason}), {r.DiscardedRecords} intact records of an unconfirmed batch dropped with them"));
        }
        if (r.RebuiltIndexes.Count > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{r.RebuiltIndexes.Count} index files rebuilt by scanning (no records lost)"));
        }
        return $"{Entity} ({Log}): {string.Join("; ", parts)}";
    }
}
