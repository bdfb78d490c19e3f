using Omnibus.Storage.Format;

namespace Omnibus.Storage;

public sealed partial class PartitionLog
{
    /// <summary>
    /// Deletes every sealed segment all of whose records are below <paramref name="sequence"/>
    /// (for a queue: the lowest sequence any subscription still needs). Returns how many were deleted.
    /// </summary>
    public int DeleteSegmentsBefore(long sequence) => DeleteHead(s => s.NextSequence <= sequence);

    /// <summary>
    /// Applies the log's <see cref="RetentionPolicy"/>: deletes whole sealed segments from the head
    /// while the log exceeds its size limit or while a segment's newest record is older than the
    /// age limit. Runs by itself after each segment roll; call it on a timer for age limits on idle logs.
    /// </summary>
    public int EnforceRetention()
    {
        RetentionPolicy policy = Options.Retention;
        if (policy.IsUnlimited)
        {
            return 0;
        }
        Func<long, long, bool> cut = AppendChecks.RetentionCut(policy, Options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds(), SizeInBytes);
        return DeleteHead(s => cut(s.Length, s.LastTimestampMs));
    }

    private int DeleteHead(Func<Segment, bool> shouldDelete)
    {
        var doomed = new List<Segment>();
        lock (_segmentsLock)
        {
            if (_closing)
            {
                return 0;
            }
            Segment[] segments = _segments;
            int count = 0;
            // The newest segment is where appends go; it is never deleted.
            while (count < segments.Length - 1 && segments[count].IsSealed && shouldDelete(segments[count]))
            {
                count++;
            }
            if (count == 0)
            {
                return 0;
            }
            // Where the log now starts is durable before any file goes, so a head segment missing later is noticed as lost.
            RecordHead(segments[count].BaseSequence);
            doomed.AddRange(segments.AsSpan(0, count));
            Volatile.Write(ref _segments, segments[count..]);
        }
        foreach (Segment segment in doomed)
        {
            // Unlink first: open readers keep their handle; the space is freed when the last one releases.
            bool stillHeld = segment.RetireBeforeUnlink();
            File.Delete(segment.IndexPath);
            File.Delete(segment.Path);
            if (stillHeld)
            {
                segment.Release();
            }
        }
        Io.FileSync.SyncDirectory(Directory);
        return doomed.Count;
    }

    private void RecordHead(long firstSequence)
    {
        try
        {
            HeadMarker.Write(Directory, firstSequence);
        }
        catch (IOException)
        {
            // A full disk must not stop the deletion that frees it: without a marker the log opens as
            // logs did before markers (a lost head unnoticed), never with a stale one reporting a false loss.
            File.Delete(Path.Combine(Directory, HeadMarker.FileName));
        }
    }
}
