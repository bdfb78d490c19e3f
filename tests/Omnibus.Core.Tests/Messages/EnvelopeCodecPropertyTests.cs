using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Omnibus.Core.Messages;

namespace Omnibus.Core.Tests.Messages;

public class EnvelopeCodecPropertyTests
{
    [Property(MaxTest = 300)]
    public Property Any_envelope_with_nested_typed_headers_round_trips_through_the_stored_record() =>
        Prop.ForAll(EnvelopeGenerators.Messages, message =>
        {
            byte[] record = MessageCodec.Encode(message, routes: null);
            BrokerMessage sliced = MessageCodec.Decode(record, 7);
            BrokerMessage copied = MessageCodec.Decode((ReadOnlySpan<byte>)record, 7);
            StoredMessageHeader header = MessageCodec.ReadHeader(record);
            return EnvelopeAssert.SameContent(message, sliced) && EnvelopeAssert.SameContent(message, copied)
                && sliced.SequenceNumber == 7
                && header.MessageId == message.MessageId && header.SessionId == message.SessionId && header.PartitionKey == message.PartitionKey
                && header.BodyLength == message.Body.Length && header.RoutesAll
                && MessageCodec.Encode(sliced, routes: null).AsSpan().SequenceEqual(record);
        });

    [Property(MaxTest = 100)]
    public Property Any_strict_prefix_of_a_record_is_a_decode_error_not_a_wrong_message() =>
        Prop.ForAll(EnvelopeGenerators.Messages, Arb.From(Gen.Choose(0, int.MaxValue)), (message, cut) =>
        {
            byte[] record = MessageCodec.Encode(message, routes: [1, 5]);
            byte[] prefix = record[..(cut % record.Length)];
            try
            {
                MessageCodec.Decode(prefix, 0);
                return false;
            }
            catch (InvalidDataException)
            {
                return true;
            }
        });
}
