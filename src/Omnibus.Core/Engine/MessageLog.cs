using Omnibus.Core.Messages;
using Omnibus.Storage;

namespace Omnibus.Core.Engine;

/// <summary>
/// The partition logs of a queue, topic or dead-letter queue, plus its duplicate detector. Each
/// message is stored once here; the receivables over it keep positions and delivery state.
/// Layout: <c>&lt;dir&gt;/p&lt;n&gt;/</c> per partition, <c>&lt;dir&gt;/dedup/</c>.
/// </summary>
internal sealed class MessageLog : IDisposable
{
    private readonly string _directory;
    private readonly BrokerOptions _options;
    private DuplicateDetector? _dedup;

    public MessageLog(string directory, int partitionCount, BrokerOptions options)
    {
        _directory = directory;
        _options = options;
        Partitions = new IPartitionLog[partitionCount];
        try
        {
            for (int i = 0; i < partitionCount; i++)
            {
                Partitions[i] = options.Store.OpenLog(Path.Combine(directory, $"p{i}"), new LogOptions
                {
                    SegmentSize = options.SegmentSize,
                    Durability = options.Durability,
                    TimeProvider = options.TimeProvider,
                    MaxRecordSize = 256 * 1024 * 1024,
                    // Message records are freshly encoded arrays nobody modifies, as the cache requires.
                    RecentRecordsCacheBytes = options.RecentMessagesCacheBytes,
                });
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public IPartitionLog[] Partitions { get; }

    public DuplicateDetector? Dedup => _dedup;

    public long SizeInBytes => Partitions.Sum(p => p?.SizeInBytes ?? 0);

    /// <summary>Turns duplicate detection on (or adjusts its window), loading its history.</summary>
    public void ConfigureDuplicateDetection(bool enabled, TimeSpan window)
    {
        if (!enabled)
        {
            return;
        }
        if (_dedup is null)
        {
            _dedup = new DuplicateDetector(_options.Store, Path.Combine(_directory, "dedup"), window, _options.TimeProvider, _options.Durability);
            return;
        }
        _dedup.Window = window;
    }

    /// <summary>The partition for a message: by session id, else partition key, else round robin.</summary>
    public int PartitionFor(BrokerMessage message, ref int roundRobin)
    {
        if (Partitions.Length == 1)
        {
            return 0;
        }
        string? key = message.SessionId ?? message.PartitionKey;
        if (key is null)
        {
            return (int)((uint)Interlocked.Increment(ref roundRobin) % (uint)Partitions.Length);
        }
        uint hash = System.IO.Hashing.XxHash32.HashToUInt32(System.Text.Encoding.UTF8.GetBytes(key));
        return (int)(hash % (uint)Partitions.Length);
    }

    public void Dispose()
    {
        foreach (IPartitionLog? p in Partitions)
        {
            p?.Dispose();
        }
        _dedup?.Dispose();
    }
}
