using System.Buffers;
using Omnibus.Core.Streams;

namespace Omnibus.Kafka.Records;

/// <summary>
/// A fetch's records as Kafka batches v2, uncompressed: each run of records outside transactions is
/// one batch; each run of one producer's transactional records is a transactional batch with its
/// producer id and epoch; each transaction marker is a control batch (attributes bits 4 and 5) holding
/// one control record (key: version 0, type 0 abort / 1 commit; value: version 0, coordinator epoch),
/// which clients skip after using it to end the transaction. For a LogAppendTime topic records carry
/// the broker's append time, and a batch holds records of one append time only.
/// </summary>
internal static class FetchRecords
{
    public static byte[] Encode(IReadOnlyList<StreamEntry> entries, bool logAppendTime = false)
    {
        if (entries.Count == 0)
        {
            return [];
        }
        var output = new ArrayBufferWriter<byte>();
        int i = 0;
        while (i < entries.Count)
        {
            StreamEntry first = entries[i];
            StreamTransaction? transaction = first.Record.Transaction;
            if (first.Record.Marker is { } outcome)
            {
                RecordBatch.Write(output, first.Offset, [(first.Offset, ControlRecord(outcome, first.Record.Timestamp ?? first.AppendTimeMs))], producerId: transaction!.ProducerId, producerEpoch: transaction.ProducerEpoch, control: true);
                i++;
                continue;
            }
            long producer = transaction?.ProducerId ?? -1;
            var records = new List<(long, KafkaRecord)>();
            for (; i < entries.Count && entries[i].Record.Marker is null && (entries[i].Record.Transaction?.ProducerId ?? -1) == producer && (!logAppendTime || entries[i].AppendTimeMs == first.AppendTimeMs); i++)
            {
                StreamEntry e = entries[i];
                StreamRecord s = e.Record;
                long timestamp = logAppendTime ? e.AppendTimeMs : s.Timestamp ?? e.AppendTimeMs;
                records.Add((e.Offset, new KafkaRecord(0, timestamp, s.Key, s.Value, [.. s.Headers.Select(h => new KafkaHeader(h.Name, h.Value))])));
            }
            RecordBatch.Write(output, first.Offset, records, producerId: producer, producerEpoch: transaction?.ProducerEpoch ?? -1, transactional: transaction is not null, logAppendTime: logAppendTime);
        }
        return output.WrittenSpan.ToArray();
    }

    private static KafkaRecord ControlRecord(StreamTransactionOutcome outcome, long timestamp)
    {
        byte type = outcome == StreamTransactionOutcome.Committed ? (byte)1 : (byte)0;
        return new KafkaRecord(0, timestamp, [0, 0, 0, type], [0, 0, 0, 0, 0, 0], []);
    }
}
