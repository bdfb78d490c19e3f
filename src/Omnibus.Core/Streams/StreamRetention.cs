namespace Omnibus.Core.Streams;

/// <summary>
/// Time and size retention of a stream's partitions: whole sealed segments are deleted from the
/// head while the partition is larger than its limit or the segment's newest record is older
/// than the age limit, and those wholly below a partition's <see cref="StreamDefinition.DeletedBefore"/>;
/// the earliest offset moves forward. The segment being written is never deleted.
/// </summary>
internal static class StreamRetention
{
    /// <summary>Applies the definition's limits to every partition; returns the segments deleted.</summary>
    public static int Apply(MessageStream stream, long nowMs)
    {
        StreamDefinition definition = stream.Definition;
        if (definition.RetentionAge is null && definition.RetentionBytesPerPartition is null && definition.DeletedBefore is null)
        {
            return 0;
        }
        int deleted = 0;
        foreach (StreamPartition partition in stream.Partitions)
        {
            // Records deleted on request: the whole segments below that offset go.
            if (definition.DeletedBefore?.GetValueOrDefault(partition.Index) is long before and > 0)
            {
                deleted += partition.Log.DeleteSegmentsBefore(before);
            }
            IReadOnlyList<Storage.SegmentInfo> segments = partition.Log.Segments;
            long total = segments.Sum(s => s.Length);
            long cut = -1;
            for (int i = 0; i < segments.Count - 1 && segments[i].IsSealed; i++)
            {
                Storage.SegmentInfo s = segments[i];
                bool tooBig = definition.RetentionBytesPerPartition is long max && total > max;
                bool tooOld = definition.RetentionAge is TimeSpan age && s.LastTimestampMs != long.MinValue && nowMs - s.LastTimestampMs > (long)age.TotalMilliseconds;
                if (!tooBig && !tooOld)
                {
                    break;
                }
                total -= s.Length;
                cut = s.NextSequence;
            }
            if (cut >= 0)
            {
                deleted += partition.Log.DeleteSegmentsBefore(cut);
            }
        }
        return deleted;
    }
}
