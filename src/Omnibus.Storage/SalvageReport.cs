namespace Omnibus.Storage;

/// <summary>How <see cref="PartitionLog.Salvage"/> treats records near damage.</summary>
public enum SalvageMode
{
    /// <summary>
    /// Keep the records before the damage and after it, dropping the whole atomic batch the damage
    /// hit, so a batch stays whole or absent (the records from the last batch end before the damage
    /// to the first batch end after it).
    /// </summary>
    SkipDamagedBatches,

    /// <summary>Keep every record whose checksum verifies, also the intact records of a damaged batch.</summary>
    KeepVerified,
}

/// <summary>
/// What salvaging one log found, kept and dropped. Sequence numbers stay as they were: a sequence
/// whose record was damaged, missing or dropped now holds an empty record (as compaction leaves),
/// so everything that refers to sequence numbers (delivery state, offsets) stays true.
/// </summary>
public sealed record SalvageReport
{
    /// <summary>The log's directory.</summary>
    public required string Directory { get; init; }

    /// <summary>The mode used.</summary>
    public SalvageMode Mode { get; init; }

    /// <summary>False when nothing was damaged: the log was left exactly as it was.</summary>
    public bool Changed { get; init; }

    /// <summary>Where the log's original files were moved (kept for the operator), or null when unchanged.</summary>
    public string? OriginalMovedTo { get; init; }

    /// <summary>The first and next sequence of the salvaged log.</summary>
    public long FirstSequence { get; init; }

    /// <summary>The sequence after the last record.</summary>
    public long NextSequence { get; init; }

    /// <summary>Records copied to the salvaged log.</summary>
    public long RecordsKept { get; init; }

    /// <summary>Intact records dropped because their atomic batch was damaged (<see cref="SalvageMode.SkipDamagedBatches"/>), or an unfinished batch at the end.</summary>
    public long RecordsDropped { get; init; }

    /// <summary>Sequences with no intact record: damaged, or in a missing segment.</summary>
    public long RecordsLost { get; init; }

    /// <summary>The sequence ranges [From, To) that now hold empty records (lost or dropped).</summary>
    public IReadOnlyList<(long From, long To)> EmptiedRanges { get; init; } = [];

    /// <summary>What was found, one line per finding (file and byte of a damaged record, a missing segment).</summary>
    public IReadOnlyList<string> Findings { get; init; } = [];

    /// <summary>One line for an operator.</summary>
    public string Describe() => !Changed
        ? $"{Directory}: no damage found, unchanged"
        : $"{Directory}: {RecordsKept} records kept, {RecordsLost} lost, {RecordsDropped} intact records dropped with a damaged batch" +
          (EmptiedRanges.Count == 0 ? "" : $" (emptied sequences {string.Join(", ", EmptiedRanges.Take(10).Select(r => r.To - r.From == 1 ? $"{r.From}" : $"{r.From}-{r.To - 1}"))}{(EmptiedRanges.Count > 10 ? ", ..." : "")})") +
          $"; found: {string.Join("; ", Findings)}; the original files are in {OriginalMovedTo}";
}
