using Omnibus.Storage.Format;

namespace Omnibus.Storage;

/// <summary>The argument checks every <see cref="IPartitionLog"/> makes of an append, so both stores refuse the same batches.</summary>
internal static class AppendChecks
{
    /// <summary>Throws for an empty batch, a record over <paramref name="maxRecordSize"/> or a batch too large; returns the batch's size in the file format.</summary>
    public static long BatchBytes(IReadOnlyList<ReadOnlyMemory<byte>> bodies, int maxRecordSize)
    {
        if (bodies.Count == 0)
        {
            throw new ArgumentException("A batch needs at least one record.", nameof(bodies));
        }
        long batchBytes = 0;
        foreach (ReadOnlyMemory<byte> body in bodies)
        {
            if (body.Length > maxRecordSize)
            {
                throw new ArgumentException($"A record of {body.Length} bytes exceeds the log's maximum of {maxRecordSize} bytes.", nameof(bodies));
            }
            batchBytes += RecordFormat.HeaderSize + body.Length;
        }
        if (batchBytes > int.MaxValue / 2)
        {
            throw new ArgumentException($"A batch of {batchBytes} bytes is too large to append at once.", nameof(bodies));
        }
        return batchBytes;
    }

    /// <summary>Throws unless records appended at their own sequence numbers follow each other densely.</summary>
    public static void Dense(IReadOnlyList<LogRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        for (int i = 1; i < records.Count; i++)
        {
            if (records[i].Sequence != records[0].Sequence + i)
            {
                throw new ArgumentException($"Records appended at their sequence numbers must be dense: {records[i].Sequence} follows {records[i - 1].Sequence}.", nameof(records));
            }
        }
    }

    /// <summary>
    /// The retention test of head segments, oldest first: true while the log (whose size starts at
    /// <paramref name="totalBytes"/> and drops by each deleted segment) is over its size limit or the
    /// segment's newest record is older than the age limit.
    /// </summary>
    public static Func<long, long, bool> RetentionCut(RetentionPolicy policy, long nowMs, long totalBytes)
    {
        long total = totalBytes;
        return (segmentLength, lastTimestampMs) =>
        {
            bool tooBig = policy.MaxBytes is long max && total > max;
            bool tooOld = policy.MaxAge is TimeSpan age && lastTimestampMs != long.MinValue && nowMs - lastTimestampMs > (long)age.TotalMilliseconds;
            if (tooBig || tooOld)
            {
                total -= segmentLength;
                return true;
            }
            return false;
        };
    }
}
