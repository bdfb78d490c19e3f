using Omnibus.Amqp.Messaging;
using Omnibus.Amqp.Types;
using Omnibus.Core.Messages;
using Omnibus.ServiceBus.Amqp;

namespace Omnibus.Amqp.Tests.ServiceBus;

/// <summary>How the Service Bus layer fills the neutral envelope, and reads what the first record format stored.</summary>
public sealed class EnvelopeMappingTests
{
    [Fact]
    public void AMQP_properties_with_a_canonical_slot_are_mapped_onto_it_and_the_rest_into_amqp_native_fields()
    {
        BrokerMessage m = MessageMapper.ToBroker(AmqpMessage.Decode(new AmqpMessage
        {
            Header = new MessageHeader { Durable = true, Priority = 4, FirstAcquirer = true },
            Properties = new MessageProperties
            {
                MessageId = 7UL, ContentEncoding = "gzip", UserId = new byte[] { 1, 2 }, CreationTime = new AmqpTimestamp(1_700_000_000_123),
                AbsoluteExpiryTime = new AmqpTimestamp(1_800_000_000_000), GroupSequence = 5,
            },
            MessageAnnotations = new AmqpMap { { AmqpSymbol.FromString("x-custom"), "kept" } },
            Body = new ValueBody("text"),
        }.ToArray()));

        Assert.Equal((true, (byte)4, "gzip"), (m.Durable, m.Priority, m.ContentEncoding));
        Assert.Equal(new byte[] { 1, 2 }, m.UserId);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123), m.ProducerTimestamp);
        Assert.Equal("7", m.MessageId);
        Assert.Equal(7UL, m.NativeFields[MessageMapper.MessageIdKey]);
        Assert.Equal(true, m.NativeFields[MessageMapper.FirstAcquirerKey]);
        Assert.Equal(1_800_000_000_000L, m.NativeFields[MessageMapper.AbsoluteExpiryKey]);
        Assert.Equal(5u, m.NativeFields[MessageMapper.GroupSequenceKey]);
        Assert.Equal("kept", m.NativeFields[MessageMapper.AnnotationPrefix + "x-custom"]);
        Assert.Equal(MessageMapper.BodyKindValue, m.NativeFields[MessageMapper.BodyKindKey]);
        Assert.All(m.NativeFields.Names, name => Assert.StartsWith("amqp:", name, StringComparison.Ordinal));
        Assert.False(m.HasApplicationProperties);
    }

    [Fact]
    public void A_message_stored_by_the_first_record_format_goes_out_as_it_did_then()
    {
        byte[] body = new AmqpMessage { Body = new SequenceBody([[1, "two"]]) }.ToArray();
        var stored = new BrokerMessage { Body = body, MessageId = "7", EnqueuedTime = DateTimeOffset.UnixEpoch };
        stored.NativeFields.Add(V1NativeFields.AnnotationPrefix + MessageMapper.MessageIdKey, 7UL);
        stored.NativeFields.Add(V1NativeFields.AnnotationPrefix + MessageMapper.DurableKey, true);
        stored.NativeFields.Add(V1NativeFields.AnnotationPrefix + MessageMapper.PriorityKey, (byte)3);
        stored.NativeFields.Add(V1NativeFields.AnnotationPrefix + MessageMapper.UserIdKey, new byte[] { 9 });
        stored.NativeFields.Add(V1NativeFields.AnnotationPrefix + MessageMapper.ContentEncodingKey, "br");
        stored.NativeFields.Add(V1NativeFields.AnnotationPrefix + MessageMapper.CreationTimeKey, 1_700_000_000_000L);
        stored.NativeFields.Add(V1NativeFields.AnnotationPrefix + "x-custom", "kept");
        stored.NativeFields.Add(V1NativeFields.BodyKind, (byte)2);

        AmqpMessage sent = AmqpMessage.Decode(MessageMapper.Encode(stored));

        Assert.Equal(7UL, sent.Properties!.MessageId);
        Assert.Equal((true, (byte)3), (sent.Header!.Durable, sent.Header.Priority));
        Assert.Equal(new byte[] { 9 }, sent.Properties.UserId!.Value.ToArray());
        Assert.Equal("br", sent.Properties.ContentEncoding!.ToString());
        Assert.Equal(new AmqpTimestamp(1_700_000_000_000), sent.Properties.CreationTime);
        Assert.Equal("kept", sent.MessageAnnotations![AmqpSymbol.FromString("x-custom")]);
        Assert.False(sent.MessageAnnotations.ContainsKey(AmqpSymbol.FromString("amqp:durable")));
        var sequence = Assert.IsType<SequenceBody>(sent.Body);
        Assert.Equal([1, "two"], Assert.Single(sequence.Sections));
    }
}
