using Omnibus.Core.Streams;
using Omnibus.Kafka.Records;

namespace Omnibus.Kafka.Tests;

public sealed class FetchRecordsTests
{
    private static StreamEntry Entry(long offset, StreamRecord record) => new(offset, 1000 + offset, 10, record);

    [Fact]
    public void PlainRunsTransactionalRunsAndMarkersGoOutAsTheirOwnBatchesWithTheControlRecordOfEachMarker()
    {
        var producer = new StreamTransaction(5, 2);
        byte[] bytes = FetchRecords.Encode(
        [
            Entry(10, new StreamRecord { Value = [1] }),
            Entry(11, new StreamRecord { Value = [2], Transaction = producer }),
            Entry(13, new StreamRecord { Value = [3], Transaction = producer }),
            Entry(14, new StreamRecord { Transaction = producer, Marker = StreamTransactionOutcome.Committed }),
            Entry(15, new StreamRecord { Transaction = producer, Marker = StreamTransactionOutcome.Aborted }),
        ]);

        List<RecordBatch> batches = RecordBatch.ReadAll(bytes, 1 << 20);

        Assert.Equal([10L, 11L, 14L, 15L], batches.Select(b => b.BaseOffset));
        Assert.Equal((false, false, -1L), (batches[0].IsTransactional, batches[0].IsControl, batches[0].ProducerId));
        Assert.Equal((true, false, 5L, (short)2), (batches[1].IsTransactional, batches[1].IsControl, batches[1].ProducerId, batches[1].ProducerEpoch));
        Assert.Equal([0, 2], batches[1].Records.Select(r => r.OffsetDelta));
        Assert.Equal(2, batches[1].LastOffsetDelta);
        Assert.True(batches[2].IsControl && batches[2].IsTransactional);
        Assert.Equal([0, 0, 0, 1], Assert.Single(batches[2].Records).Key!);
        Assert.Equal([0, 0, 0, 0, 0, 0], batches[2].Records[0].Value!);
        Assert.Equal([0, 0, 0, 0], Assert.Single(batches[3].Records).Key!);
    }
}
