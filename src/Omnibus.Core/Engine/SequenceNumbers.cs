namespace Omnibus.Core.Engine;

/// <summary>
/// Public sequence numbers of partitioned entities carry the partition in their top 16 bits, as
/// Service Bus does, so they stay unique per entity; partition 0's are the log's own.
/// </summary>
public static class SequenceNumbers
{
    private const int PartitionShift = 48;
    private const long LocalMask = (1L << PartitionShift) - 1;

    public static long Compose(int partition, long local) => ((long)partition << PartitionShift) | local;

    public static (int Partition, long Local) Split(long sequenceNumber) => ((int)(sequenceNumber >>> PartitionShift), sequenceNumber & LocalMask);
}
