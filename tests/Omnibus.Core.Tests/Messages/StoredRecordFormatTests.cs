using Omnibus.Core.Messages;

namespace Omnibus.Core.Tests.Messages;

/// <summary>The stored record's versioning: fields a reader does not know are skipped.</summary>
public class StoredRecordFormatTests
{
    private static BrokerMessage Sample()
    {
        var m = new BrokerMessage
        {
            Body = "body"u8.ToArray(), MessageId = "m1", SessionId = "s1", TimeToLive = TimeSpan.FromMinutes(5),
            EnqueuedTime = new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero),
        };
        m.ApplicationProperties["color"] = "red";
        return m;
    }

    /// <summary>Inserts fields, as a later version would write them, just before the end tag.</summary>
    private static byte[] WithFutureFields(byte[] record, int bodyLength, params byte[][] fields)
    {
        int end = record.Length - bodyLength - 2; // end tag, then a one-byte body length
        Assert.Equal(0, record[end]);
        return [.. record[..end], .. fields.SelectMany(f => f), .. record[end..]];
    }

    [Fact]
    public void A_record_with_fields_of_a_later_version_still_decodes_with_every_known_field()
    {
        BrokerMessage sent = Sample();
        byte[] record = MessageCodec.Encode(sent, routes: [3], transaction: Guid.Parse("3f2504e0-4f89-11d3-9a0c-0305e82c3301"));
        byte[] future = WithFutureFields(record, sent.Body.Length,
            [99, 3, 1, 2, 3],            // tag 99, three bytes
            [0xAC, 0x02, 0],             // tag 300 (a two-byte varint), empty
            [120, 0x81, 0x01, .. new byte[129]]); // tag 120, a two-byte varint length

        BrokerMessage got = MessageCodec.Decode(future, 1);
        StoredMessageHeader header = MessageCodec.ReadHeader(future);

        Assert.True(EnvelopeAssert.SameContent(sent, got));
        Assert.Equal(("m1", "s1", 4, false), (header.MessageId, header.SessionId, header.BodyLength, header.RoutesAll));
        Assert.True(header.IsRoutedTo(3));
        Assert.Equal(TimeSpan.FromMinutes(5).Ticks, header.TimeToLiveTicks);
        Assert.Equal(Guid.Parse("3f2504e0-4f89-11d3-9a0c-0305e82c3301"), MessageCodec.ReadTransaction(future));
    }

    [Fact]
    public void A_record_is_written_as_version_2_and_an_unknown_version_is_refused()
    {
        byte[] record = MessageCodec.Encode(Sample(), routes: null);
        Assert.Equal(2, record[0]);

        record[0] = 3;

        Assert.Throws<InvalidDataException>(() => MessageCodec.Decode(record, 0));
        Assert.Throws<InvalidDataException>(() => MessageCodec.ReadHeader(record));
    }

    [Fact]
    public void A_stored_value_nested_deeper_than_the_limit_is_refused_as_corrupt()
    {
        // 33 list tags (22) each of one element, then a null: more than the writer ever writes.
        byte[] value = [.. Enumerable.Range(0, HeaderValues.MaxDepth + 1).SelectMany(_ => new byte[] { 22, 1 }), 0];
        byte[] headers = [1, 1, (byte)'h', .. value];
        byte[] record = [2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 14, (byte)headers.Length, .. headers, 0, 0];

        Assert.Throws<InvalidDataException>(() => MessageCodec.Decode(record, 0));
    }
}
