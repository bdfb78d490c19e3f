using System.IO.Hashing;
using Omnibus.Storage;

namespace Omnibus.Core.Streams;

/// <summary>
/// Key compaction of a compacted stream's partitions: of each key only the latest record is
/// kept; older ones are emptied in the sealed segments (their offsets become gaps). A tombstone
/// (a record without a value) is kept for the stream's delete retention after it was appended,
/// then removed too. The segment being written is never rewritten, but its records count as
/// the latest of their keys. Runs when a new segment was sealed since the last run, or when a
/// kept tombstone's time is up.
/// </summary>
internal static class StreamCompactor
{
    /// <summary>Compacts what needs it; returns the bytes freed.</summary>
    public static long Apply(MessageStream stream, long nowMs)
    {
        StreamDefinition definition = stream.Definition;
        if (!definition.Compacted)
        {
            return 0;
        }
        long freed = 0;
        long deleteRetentionMs = (long)definition.DeleteRetention.TotalMilliseconds;
        foreach (StreamPartition partition in stream.Partitions)
        {
            IReadOnlyList<SegmentInfo> segments = partition.Log.Segments;
            long sealedThrough = segments.Count > 1 ? segments[^2].NextSequence : -1;
            bool newSegment = sealedThrough > partition.CompactedThrough;
            bool tombstoneDue = partition.OldestKeptTombstoneMs is long oldest && nowMs - oldest > deleteRetentionMs;
            if (sealedThrough < 0 || (!newSegment && !tombstoneDue))
            {
                continue;
            }
            freed += CompactPartition(partition, segments, nowMs, deleteRetentionMs);
            partition.CompactedThrough = sealedThrough;
        }
        return freed;
    }

    private static long CompactPartition(StreamPartition partition, IReadOnlyList<SegmentInfo> segments, long nowMs, long deleteRetentionMs)
    {
        Dictionary<UInt128, long> latest = LatestOffsets(partition.Log);
        long freed = 0;
        long? oldestKept = null;
        for (int i = 0; i < segments.Count - 1 && segments[i].IsSealed; i++)
        {
            freed += partition.Log.CompactSegment(segments[i].BaseSequence, record =>
            {
                (ReadOnlyMemory<byte>? key, bool tombstone) = StreamRecordCodec.KeyOf(record.Body);
                if (key is not { } k)
                {
                    return true; // appended before the stream was compacted: nothing to compare it with
                }
                if (latest.TryGetValue(XxHash128.HashToUInt128(k.Span), out long newest) && newest != record.Sequence)
                {
                    return false;
                }
                if (tombstone)
                {
                    if (nowMs - record.TimestampMs > deleteRetentionMs)
                    {
                        return false;
                    }
                    oldestKept = Math.Min(oldestKept ?? long.MaxValue, record.TimestampMs);
                }
                return true;
            });
        }
        partition.OldestKeptTombstoneMs = oldestKept;
        return freed;
    }

    // The newest offset of every key, by a 128-bit hash of the key (a collision would need about 2^64 keys).
    private static Dictionary<UInt128, long> LatestOffsets(IPartitionLog log)
    {
        var latest = new Dictionary<UInt128, long>();
        long end = log.NextSequence;
        try
        {
            using ILogReader reader = log.OpenReader(log.FirstSequence);
            while (reader.NextSequence < end && reader.TryRead(out LogRecord record))
            {
                if (record.Body.Length > 0 && StreamRecordCodec.KeyOf(record.Body).Key is { } key)
                {
                    latest[XxHash128.HashToUInt128(key.Span)] = record.Sequence;
                }
            }
        }
        catch (ArgumentOutOfRangeException)
        {
            // Retention removed the head meanwhile: what is left was read.
        }
        return latest;
    }
}
