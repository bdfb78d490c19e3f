namespace Omnibus.Storage;

/// <summary>What opening a log found and repaired. A clean open has <see cref="IsClean"/> true.</summary>
public sealed record RecoveryReport
{
    /// <summary>The tail segment that was scanned.</summary>
    public string? TailSegment { get; init; }

    /// <summary>Where the tail was cut, or -1 when nothing was cut.</summary>
    public long TruncatedAt { get; init; } = -1;

    /// <summary>Bytes removed from the tail (a torn write, or the records of an incomplete batch).</summary>
    public long TruncatedBytes { get; init; }

    /// <summary>Intact records removed because their atomic batch was incomplete.</summary>
    public long DiscardedRecords { get; init; }

    /// <summary>Why the tail was cut.</summary>
    public string? Reason { get; init; }

    /// <summary>Index files that were missing, damaged or stale and were rebuilt by scanning.</summary>
    public IReadOnlyList<string> RebuiltIndexes { get; init; } = [];

    /// <summary>A tail segment whose header was never completely written and was rewritten (it held no records).</summary>
    public bool RewroteTornSegmentHeader { get; init; }

    /// <summary>
    /// Records found after a tail header that was zeros and was rewritten: 0 for a header a crash
    /// kept from being written; more means the header of a segment holding records was damaged.
    /// </summary>
    public long RecordsKeptAfterRewrittenHeader { get; init; }

    /// <summary>True when nothing had to be repaired.</summary>
    public bool IsClean => TruncatedBytes == 0 && RebuiltIndexes.Count == 0 && !RewroteTornSegmentHeader;
}
