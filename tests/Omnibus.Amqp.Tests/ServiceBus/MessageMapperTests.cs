using Omnibus.Amqp.Messaging;
using Omnibus.ServiceBus.Amqp;
using Omnibus.Amqp.Types;
using Omnibus.Core;
using Omnibus.Core.Messages;

namespace Omnibus.Amqp.Tests.ServiceBus;

public sealed class MessageMapperTests
{
    private static AmqpMessage RoundTrip(AmqpMessage message)
    {
        BrokerMessage broker = MessageMapper.ToBroker(AmqpMessage.Decode(message.ToArray()));
        broker.SequenceNumber = 6;
        broker.EnqueuedTime = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        return AmqpMessage.Decode(MessageMapper.Encode(broker));
    }

    [Fact]
    public void Every_standard_property_survives_the_round_trip()
    {
        var creation = new AmqpTimestamp(1_700_000_000_000);
        AmqpMessage back = RoundTrip(new AmqpMessage
        {
            Header = new MessageHeader { Durable = true, Priority = 7, Ttl = 60_000 },
            Properties = new MessageProperties
            {
                MessageId = Guid.Parse("0b4c8f1e-52b8-4b0c-a2c5-8d7f3a1c9e10"),
                CorrelationId = 42UL,
                To = "to",
                Subject = "subject",
                ReplyTo = "reply",
                ContentType = "application/json",
                ContentEncoding = "gzip",
                UserId = new byte[] { 1, 2, 3 },
                CreationTime = creation,
                GroupId = "session",
                GroupSequence = 3,
                ReplyToGroupId = "reply-session",
            },
            MessageAnnotations = new AmqpMap { { AmqpSymbol.FromString("x-custom"), "kept" }, { AmqpSymbol.FromString("x-opt-partition-key"), "pk" } },
            ApplicationProperties = new AmqpMap { { "i", 1 }, { "s", "x" }, { "t", new AmqpTimestamp(5) } },
            Body = new DataBody(new byte[] { 9, 8, 7 }),
        });

        Assert.Equal(Guid.Parse("0b4c8f1e-52b8-4b0c-a2c5-8d7f3a1c9e10"), back.Properties!.MessageId);
        Assert.Equal(42UL, back.Properties.CorrelationId);
        Assert.Equal("to", back.Properties.To);
        Assert.Equal("subject", back.Properties.Subject);
        Assert.Equal("reply", back.Properties.ReplyTo);
        Assert.Equal("application/json", back.Properties.ContentType!.ToString());
        Assert.Equal("gzip", back.Properties.ContentEncoding!.ToString());
        Assert.Equal(new byte[] { 1, 2, 3 }, back.Properties.UserId!.Value.ToArray());
        Assert.Equal(creation, back.Properties.CreationTime);
        Assert.Equal("session", back.Properties.GroupId);
        Assert.Equal(3u, back.Properties.GroupSequence);
        Assert.Equal("reply-session", back.Properties.ReplyToGroupId);
        Assert.Equal(true, back.Header!.Durable);
        Assert.Equal((byte)7, back.Header.Priority);
        Assert.Equal(60_000u, back.Header.Ttl);
        Assert.Equal(0u, back.Header.DeliveryCount);
        Assert.Equal("kept", back.MessageAnnotations![AmqpSymbol.FromString("x-custom")]);
        Assert.Equal("pk", back.MessageAnnotations[AmqpSymbol.FromString("x-opt-partition-key")]);
        Assert.Equal(7L, back.MessageAnnotations[AmqpSymbol.FromString("x-opt-sequence-number")]);
        Assert.Equal(0, back.MessageAnnotations[AmqpSymbol.FromString("x-opt-message-state")]);
        Assert.Equal(1, back.ApplicationProperties!["i"]);
        Assert.Equal("x", back.ApplicationProperties["s"]);
        Assert.Equal(new AmqpTimestamp(5), back.ApplicationProperties["t"]);
        Assert.Equal(new byte[] { 9, 8, 7 }, Assert.IsType<DataBody>(back.Body).Sections[0].ToArray());
    }

    [Fact]
    public void An_amqp_value_body_comes_back_as_the_same_value()
    {
        AmqpMessage back = RoundTrip(new AmqpMessage { Body = new ValueBody(new AmqpMap { { "k", 1L } }) });
        var map = Assert.IsType<AmqpMap>(Assert.IsType<ValueBody>(back.Body).Value);
        Assert.Equal(1L, map["k"]);
    }

    [Fact]
    public void An_amqp_sequence_body_comes_back_as_the_same_sequences()
    {
        AmqpMessage back = RoundTrip(new AmqpMessage { Body = new SequenceBody([new List<object?> { 1, "a" }, new List<object?> { true }]) });
        SequenceBody body = Assert.IsType<SequenceBody>(back.Body);
        Assert.Equal(2, body.Sections.Count);
        Assert.Equal("a", body.Sections[0][1]);
    }

    [Fact]
    public void Several_data_sections_become_one_body()
    {
        BrokerMessage broker = MessageMapper.ToBroker(new AmqpMessage { Body = new DataBody([new byte[] { 1 }, new byte[] { 2, 3 }]) });
        Assert.Equal(new byte[] { 1, 2, 3 }, broker.Body.ToArray());
    }

    [Fact]
    public void Dot_net_described_property_values_map_to_their_clr_types()
    {
        BrokerMessage broker = MessageMapper.ToBroker(new AmqpMessage
        {
            ApplicationProperties = new AmqpMap
            {
                { "span", new AmqpDescribed(AmqpValueConverter.TimeSpanDescriptor, TimeSpan.FromSeconds(3).Ticks) },
                { "uri", new AmqpDescribed(AmqpValueConverter.UriDescriptor, "http://x/") },
                { "dto", new AmqpDescribed(AmqpValueConverter.DateTimeOffsetDescriptor, 638_000_000_000_000_000L) },
            },
        });
        Assert.Equal(TimeSpan.FromSeconds(3), broker.ApplicationProperties["span"]);
        Assert.Equal(new Uri("http://x/"), broker.ApplicationProperties["uri"]);
        Assert.Equal(new DateTimeOffset(638_000_000_000_000_000L, TimeSpan.Zero), broker.ApplicationProperties["dto"]);
    }

    [Fact]
    public void A_map_valued_application_property_is_an_argument_error()
    {
        MessagingException e = Assert.Throws<MessagingException>(() => MessageMapper.ToBroker(new AmqpMessage
        {
            ApplicationProperties = new AmqpMap { { "bad", new AmqpMap() } },
        }));
        Assert.Equal(MessagingErrorCode.InvalidArgument, e.Code);
    }

    [Fact]
    public void A_message_without_an_id_gets_one() =>
        Assert.False(string.IsNullOrEmpty(MessageMapper.ToBroker(new AmqpMessage()).MessageId));
}
